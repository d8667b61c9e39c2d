// The report of one bench/run.sh run: reads the TSV files, speed.txt and
// env.txt of a results folder, prints one Markdown table of throughput and
// latency with the ratios (Gatehouse ÷ the nginx ceiling, Gatehouse ÷ each
// peer), Gatehouse on PostgreSQL beside SQLite (the ratio per row), the A/B
// comparison when the run had a binary B (GATEHOUSE_BIN_B), the start-up and
// memory table, openssl speed, and the targets as met / not met. Writes it to
// the folder's summary.md and, when given, to RESULTS_MD too.
//
//   node report.mjs RESULTS_DIR [RESULTS_MD]
import fs from 'node:fs';
import path from 'node:path';

const [dir, resultsMd] = process.argv.slice(2);

function readTsv(name) {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) return [];
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const keys = head.split('\t');
  return lines.filter(Boolean).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [keys[i], v])));
}

const read = (name) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : '');

/* wrk's latency ("850.00us", "1.23ms", "1.20s", "2.00m") in milliseconds */
function ms(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '');
  if (!m) return NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000, m: 60000 }[m[2]];
}

/* The labels of binaries A and B, from env.txt's "gatehouse LABEL: PATH, …" lines (B only in an A/B run). */
const [labelA, labelB] = [...read('env.txt').matchAll(/^gatehouse (.+?): /gm)].map((m) => m[1]);
const A = labelB ? ` ${labelA}` : '';
const SERVERS = ['gatehouse', 'gatehouse-pg', 'gatehouse-b', 'gatehouse-pg-b', 'gatehouse-es256', 'nginx', 'oidc-provider', 'glewlwyd'];
const AB_ONLY = ['gatehouse-b', 'gatehouse-pg-b']; // only in the A/B table, not in the main one
const TITLES = {
  gatehouse: `Gatehouse${A}`,
  'gatehouse-pg': `Gatehouse${A} PostgreSQL`,
  'gatehouse-b': `Gatehouse ${labelB}`,
  'gatehouse-pg-b': `Gatehouse ${labelB} PostgreSQL`,
  'gatehouse-es256': 'Gatehouse ES256',
  nginx: 'nginx (static)',
  'oidc-provider': 'oidc-provider',
  glewlwyd: 'Glewlwyd',
};
const ENDPOINTS = [
  ['discovery', 'discovery'],
  ['jwks', 'JWKS'],
  ['token_cc', 'token, client_credentials (JWT)'],
  ['userinfo', 'userinfo (user token)'],
  ['userinfo_each_new', 'userinfo, a token never presented before²'],
  ['introspect', 'introspection'],
  ['introspect_each_new', 'introspection, a token never presented before²'],
  ['refresh', 'refresh grant, rotated (refreshes/s)'],
  ['code_flow', 'whole code flow (flows/s)'],
  ['login', 'password login, argon2id'],
  ['login_totp', 'password + TOTP sign-in (sign-ins/s)'],
];
const titleOf = (ep) => ENDPOINTS.find(([e]) => e === ep)[1].replace('²', '');
/* The rows that read or write the database: PostgreSQL must reach 0.8 × SQLite on each. */
const DB_ROWS = ['token_cc', 'userinfo', 'userinfo_each_new', 'introspect', 'introspect_each_new', 'refresh', 'code_flow', 'login', 'login_totp'];
const PG_TARGET = 0.8;

const rows = readTsv('summary.tsv');
const servers = Object.fromEntries(readTsv('servers.tsv').map((r) => [r.server, r]));
const skipped = readTsv('skipped.tsv');
const find = (server, endpoint) => rows.find((r) => r.server === server && r.endpoint === endpoint);

/* The figure of a row: flows or refreshes per second where the script counts them, else req/s. */
function rate(server, endpoint) {
  const r = find(server, endpoint);
  if (!r) return NaN;
  return Number(r.rate !== '-' ? r.rate : r.req_per_s);
}

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');

function cell(server, endpoint) {
  const r = find(server, endpoint);
  if (!r) {
    const s = skipped.find((x) => x.server === server && (x.endpoint === endpoint || x.endpoint === 'all'));
    return s ? 'skipped¹' : '';
  }
  const bad = Number(r.non2xx) + (Number(r.rate_failures) || 0) > 0 || r.socket_errors !== 'none' ? ' ⚠' : '';
  return `**${fmt(rate(server, endpoint))}**${bad}<br>${fmt(ms(r.p50), 2)} / ${fmt(ms(r.p99), 1)} ms`;
}

const measured = (server) => rows.some((r) => r.server === server);
const verdict = (got, need) => (!Number.isFinite(got) || !Number.isFinite(need) ? 'not measured' : got >= need ? '**met**' : '**not met**');

/* PostgreSQL beside SQLite, the same binary in the same run: each row's figures and ratio,
 * and whether a row that touches the database reaches PG_TARGET × SQLite. */
function pgTable(sqlite, pg) {
  const out = [
    `| endpoint | ${TITLES[sqlite]} (SQLite) | ${TITLES[pg]} | PostgreSQL ÷ SQLite | ≥ ${PG_TARGET} × SQLite | CPU³: SQLite | CPU³: PostgreSQL, Gatehouse + database |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const [ep, title] of ENDPOINTS) {
    if (!find(sqlite, ep) && !find(pg, ep)) continue;
    const [a, b] = [rate(sqlite, ep), rate(pg, ep)];
    const target = DB_ROWS.includes(ep) ? verdict(b, PG_TARGET * a) : 'no database';
    const cpu = (server) => find(server, ep)?.cpu_pct ?? '–';
    const db = find(pg, ep)?.db_cpu_pct ?? '–';
    out.push(`| ${title} | ${cell(sqlite, ep)} | ${cell(pg, ep)} | ${ratio(b, a)} | ${target} | ${cpu(sqlite)} % | ${cpu(pg)} % + ${db} % |`);
  }
  return out.join('\n');
}

/* A/B: binary B's rows beside A's, on each engine that both ran on. */
function abTable() {
  const pairs = [
    ['gatehouse', 'gatehouse-b', 'SQLite'],
    ['gatehouse-pg', 'gatehouse-pg-b', 'PostgreSQL'],
  ].filter(([a, b]) => measured(a) && measured(b));
  const head = ['endpoint', ...pairs.flatMap(([, , engine]) => [`${engine}: ${labelA}`, `${engine}: ${labelB}`, `${labelB} ÷ ${labelA}`])];
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const [ep, title] of ENDPOINTS) {
    if (!pairs.some(([a, b]) => find(a, ep) || find(b, ep))) continue;
    out.push(`| ${title} | ${pairs.map(([a, b]) => `${cell(a, ep)} | ${cell(b, ep)} | ${ratio(rate(b, ep), rate(a, ep))}`).join(' | ')} |`);
  }
  return out.join('\n');
}

/* The section "PostgreSQL beside SQLite" (lines), for A and for B when they ran on PostgreSQL. */
function pgSection() {
  const pairs = [['gatehouse', 'gatehouse-pg'], ['gatehouse-b', 'gatehouse-pg-b']].filter(([, pg]) => measured(pg));
  if (!pairs.length) return [];
  return [
    '## PostgreSQL beside SQLite',
    '',
    'The same binary on a database of a throw-away PostgreSQL cluster started by the run (its version and',
    'settings are in the first section), right after SQLite. The target for the rows that read or write the database:',
    `PostgreSQL ≥ ${PG_TARGET} × SQLite in the same run.`,
    '',
    ...pairs.flatMap(([sqlite, pg]) => [pgTable(sqlite, pg), '']),
    '³ CPU time of the processes during the measured run ÷ its wall time (200 % = both cores, wrk included in neither):',
    "Gatehouse's, and on PostgreSQL also its database server's (postmaster and backends).",
    '',
  ];
}

/* The section "A/B" (lines), when the run had a binary B. */
function abSection() {
  if (!labelB) return [];
  return [
    `## A/B: ${labelA} and ${labelB}`,
    '',
    `The same rows with binary ${labelB} (GATEHOUSE_BIN_B) beside ${labelA}, on each engine, in the same run; the`,
    'ratio is the throughput of B ÷ A. Single runs: an A/A run (B the same binary) shows how far a ratio moves by',
    'noise alone (docs/performance.md).',
    '',
    abTable(),
    '',
  ];
}

function throughputTable() {
  const present = SERVERS.filter((s) => !AB_ONLY.includes(s) && (rows.some((r) => r.server === s) || servers[s]));
  const head = ['endpoint', ...present.map((s) => TITLES[s]), 'GH ÷ nginx', 'GH ÷ oidc-provider', 'GH ÷ Glewlwyd'];
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  const ceiling = rate('nginx', 'discovery');
  for (const [ep, title] of ENDPOINTS) {
    if (!present.some((s) => find(s, ep))) continue;
    const gh = rate('gatehouse', ep);
    const vsNginx = ['discovery', 'jwks'].includes(ep) ? rate('nginx', ep) : /^(userinfo|introspect)/.test(ep) ? ceiling : NaN;
    const cells = present.map((s) => cell(s, ep));
    out.push(`| ${title} | ${cells.join(' | ')} | ${ratio(gh, vsNginx)} | ${ratio(gh, rate('oidc-provider', ep))} | ${ratio(gh, rate('glewlwyd', ep))} |`);
  }
  return out.join('\n');
}

/* Peak RSS (kB) sampled during a server's runs: the API load, and the login run apart
 * (argon2id takes its memory cost per verification in flight). */
function peak(server, { login }) {
  const picked = rows.filter((r) => r.server === server && r.endpoint.startsWith('login') === login);
  return picked.length ? Math.max(...picked.map((r) => Number(r.peak_rss_kB))) : NaN;
}

function serverTable() {
  const out = [
    '| server | start-up to first 200 (ms) | first start (ms) | idle RSS (MiB) | peak RSS, API load (MiB) | peak RSS, logins (MiB) |',
    '|---|---|---|---|---|---|',
  ];
  for (const s of SERVERS.filter((x) => servers[x])) {
    const r = servers[s];
    const mib = (kb) => fmt(kb / 1024, 1);
    out.push(`| ${TITLES[s]} | ${r.start_ms.replaceAll('/', ' / ')} | ${r.first_start_ms} | ${mib(r.idle_rss_kB)} | ${mib(peak(s, { login: false }))} | ${mib(peak(s, { login: true }))} |`);
  }
  return out.join('\n');
}

function speed() {
  const text = read('speed.txt');
  const rsa = /^rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/m.exec(text);
  const ec = /256 bits ecdsa \(nistp256\)\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/m.exec(text);
  return { rsaSign: Number(rsa?.[1]), rsaVerify: Number(rsa?.[2]), ecSign: Number(ec?.[1]), ecVerify: Number(ec?.[2]) };
}

function targets(sp) {
  const ceiling = rate('nginx', 'discovery');
  const cc = rate('gatehouse', 'token_cc');
  const gh = servers.gatehouse;
  const starts = gh ? gh.start_ms.split('/').map(Number) : [];
  const list = [
    ['discovery ≥ 0.8 × nginx static', rate('gatehouse', 'discovery'), 0.8 * rate('nginx', 'discovery')],
    ['JWKS ≥ 0.8 × nginx static', rate('gatehouse', 'jwks'), 0.8 * rate('nginx', 'jwks')],
    ['client_credentials RS256 ≥ 1.3 × one core’s RS256 sign/s', cc, 1.3 * sp.rsaSign],
    ['client_credentials RS256 ≥ 2 × oidc-provider', cc, 2 * rate('oidc-provider', 'token_cc')],
    ['client_credentials ES256 ≥ 5 × the RS256 figure', rate('gatehouse-es256', 'token_cc'), 5 * cc],
    ['userinfo ≥ 0.4 × nginx static', rate('gatehouse', 'userinfo'), 0.4 * ceiling],
    ['introspection ≥ 0.4 × nginx static', rate('gatehouse', 'introspect'), 0.4 * ceiling],
    ['whole code flow ≥ 1,000 flows/s', rate('gatehouse', 'code_flow'), 1000],
    ['refresh ≥ 1,200/s', rate('gatehouse', 'refresh'), 1200],
    ['idle RSS ≤ 10 MiB', -(gh?.idle_rss_kB ?? NaN) / 1024, -10, 'MiB'],
    ['peak RSS under API load ≤ 32 MiB', -peak('gatehouse', { login: false }) / 1024, -32, 'MiB'],
    ['start to first answer ≤ 50 ms (slowest timed start)', -Math.max(...starts), -50, 'ms'],
    ...DB_ROWS.map((ep) => [`${titleOf(ep)} on PostgreSQL ≥ ${PG_TARGET} × SQLite`, rate('gatehouse-pg', ep), PG_TARGET * rate('gatehouse', ep)]),
  ];
  const out = ['| target | Gatehouse | needed | |', '|---|---|---|---|'];
  for (const [name, got, need, unit] of list) {
    const show = (v) => (unit ? `${fmt(Math.abs(v), 1)} ${unit}` : fmt(v));
    out.push(`| ${name} | ${Number.isFinite(got) ? show(got) : '–'} | ${Number.isFinite(need) ? show(need) : '–'} | ${verdict(got, need)} |`);
  }
  return out.join('\n');
}

/* Whether the ES256 target is within reach at all: the least work of a
 * correct answer (the client authenticated, and one ES256 signature at
 * openssl speed's rate spread over both cores), measured right after the
 * endpoint itself. A rate below the one needed puts the target out of reach
 * in this run whatever the rest of the code costs. */
function bounds(sp) {
  const refused = rate('gatehouse-es256', 'token_cc_refused');
  const need = 5 * rate('gatehouse', 'token_cc');
  const least = 1 / (1 / refused + 1 / (2 * sp.ecSign));
  const known = Number.isFinite(least) && Number.isFinite(need);
  const verdict = !known ? 'not measured' : least >= need ? 'within reach' : '**out of reach**';
  return [
    '| target | needed | Gatehouse | least work of a correct answer | its rate | |',
    '|---|---|---|---|---|---|',
    `| client_credentials ES256 ≥ 5 × the RS256 figure | ${fmt(need)} | ${fmt(rate('gatehouse-es256', 'token_cc'))} | the client authenticated, no token made (a scope it lacks: 400; ${fmt(refused)}/s), plus one ES256 signature spread over both cores at openssl speed’s rate | ${fmt(least)} | ${verdict} |`,
  ].join('\n');
}

/* The share of signature checks computed in full during an endpoint's runs
 * (gatehouse_signature_checks_total before and after, in SERVER-EP-signatures.txt). */
function computedShare(server, ep) {
  const [c0, r0, c1, r1] = read(`${server}-${ep}-signatures.txt`).trim().split(' ').map(Number);
  const computed = c1 - c0;
  const all = computed + (r1 - r0);
  return all > 0 ? `${((100 * computed) / all).toFixed(1)} %` : '–';
}

function report() {
  const sp = speed();
  const env = read('env.txt').trim();
  const notes = skipped.map((s, i) => `${i === 0 ? '¹ ' : ''}skipped: ${TITLES[s.server] ?? s.server} ${s.endpoint}: ${s.reason}`);
  const fresh = Number(read('env.txt').match(/^access tokens: (\d+)/m)?.[1]);
  const checked = SERVERS.filter((s) => find(s, 'userinfo_each_new') || find(s, 'introspect_each_new'))
    .map((s) => `${TITLES[s]}: ${['userinfo_each_new', 'introspect_each_new'].map((ep) => `${ep.split('_')[0]} ${computedShare(s, ep)}`).join(', ')}`)
    .join('; ');
  return [
    '## Machine, versions, settings',
    '',
    '```',
    env,
    '```',
    '',
    '## Throughput and latency',
    '',
    'Each cell: **req/s** (flows/s, refreshes/s where named), then p50 / p99 latency of the requests.',
    '⚠ = some answers were not 2xx/3xx, or a flow or refresh failed (see the raw output).',
    '',
    throughputTable(),
    '',
    ...notes.map((n) => `${n}  `),
    `² every request presents another of ${fmt(fresh)} user access tokens, walked round and round, so that a worker`,
    `(which remembers the last 1,024 signatures it accepted) has forgotten a token when it comes back: the figure of`,
    `traffic that never repeats a token. Signatures checked in full over the warm-up and the run: ${checked}.`,
    '',
    ...pgSection(),
    ...abSection(),
    '## Start-up and memory',
    '',
    serverTable(),
    '',
    '## openssl speed (one process = one core)',
    '',
    '| algorithm | sign/s | verify/s |',
    '|---|---|---|',
    `| RSA-2048 (RS256) | ${fmt(sp.rsaSign)} | ${fmt(sp.rsaVerify)} |`,
    `| ECDSA P-256 (ES256) | ${fmt(sp.ecSign)} | ${fmt(sp.ecVerify)} |`,
    '',
    '## Targets',
    '',
    targets(sp),
    '',
    '## The least work of an ES256 token, measured alone',
    '',
    'What the ES256 token could reach at best in this run: a request doing only what every',
    'correct answer must do, measured right after the endpoint itself (single runs, as noisy',
    'as any row above; docs/performance.md, "The least work").',
    '',
    bounds(sp),
    '',
  ].join('\n');
}

const text = report();
fs.writeFileSync(path.join(dir, 'summary.md'), text);
process.stdout.write(text);
if (resultsMd) {
  const head = [
    '# Benchmark results',
    '',
    'Written by `make bench` (bench/run.sh, bench/report.mjs) from one run; how to',
    'read and reproduce it: [docs/performance.md](../docs/performance.md). Raw outputs:',
    `\`bench/results/${path.basename(dir)}/\` (kept locally, git-ignored except summary.md).`,
    'wrk shares the cores with the servers: look at the load averages below before',
    'trusting a figure, and re-take them on a quiet machine.',
    '',
  ].join('\n');
  fs.writeFileSync(resultsMd, head + text);
}
