// Issue 24 item 4: SIGHUP reloads the gateway's platform settings. The
// [platform.*] sections are read again from the configuration file and put
// in place whole: a changed label is on the platform list, a platform added
// gives login URLs, one removed is unknown, and the log says "platforms" was
// reloaded. A configuration whose platforms no longer load changes nothing
// (a reload_failed line) and the gateway goes on.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';

import { kakao } from '../platforms/kakao.mjs';
import { naver } from '../platforms/naver.mjs';
import { sleep } from './lib/harness.mjs';
import { assertEnvelope, useGateway } from './lib/gateway.mjs';

const nv = naver();
const kk = kakao();
before(() => Promise.all([nv.start(), kk.start()]));
after(() => Promise.all([nv.stop(), kk.stop()]));

let platforms = () => ({ naver: { ...nv.config(), label: 'Naver one' } });
const gw = useGateway({ platforms: () => platforms() });

/** Rewrites the gateway's configuration, sends SIGHUP and waits for the log line of that reload. */
async function reload(what) {
  fs.writeFileSync(gw.configPath, gw.configText());
  const lines = () => gw.logSince(0, Infinity).split('\n').filter((l) => /"event":"(reloaded|reload_failed)"/.test(l)).length;
  const before = lines();
  gw.proc.kill('SIGHUP');
  for (let i = 0; i < 100 && lines() === before; i++) await sleep(50);
  const last = gw.logSince(0, Infinity).split('\n').filter((l) => /"event":"(reloaded|reload_failed)"/.test(l));
  assert.ok(last.length > before, `${what}: a reload line in the log`);
  return last.slice(before).map((l) => JSON.parse(l));
}

const listed = async () => (await gw.api('GET', '/oauth2/api/platforms')).json.body.map((p) => `${p.name}:${p.label}`);

test('SIGHUP puts the platform sections of the file in place: a label, a new platform, one removed', async () => {
  assert.deepEqual(await listed(), ['naver:Naver one']);
  platforms = () => ({ naver: { ...nv.config(), label: 'Naver two' }, kakao: kk.config() });
  const lines = await reload('label and a new platform');
  assert.ok(lines.some((l) => l.event === 'reloaded' && /platforms/.test(l.what)), JSON.stringify(lines));
  assert.deepEqual(await listed(), ['naver:Naver two', 'kakao:Kakao']);
  assertEnvelope(await gw.api('GET', '/oauth2/api/login/kakao'), 200, true, 'a login URL of the new platform');

  platforms = () => ({ kakao: kk.config() });
  await reload('naver removed');
  assert.deepEqual(await listed(), ['kakao:Kakao']);
  assertEnvelope(await gw.api('GET', '/oauth2/api/login/naver'), 404, false, 'the removed platform is unknown');
});

test('a reload whose platforms no longer load changes nothing, and the gateway goes on', async () => {
  const was = await listed();
  platforms = () => ({ kakao: { ...kk.config(), kind: 'myspace' } });
  const lines = await reload('a bad kind');
  assert.ok(lines.some((l) => l.event === 'reload_failed'), JSON.stringify(lines));
  assert.deepEqual(await listed(), was, 'the platforms as before');
  assertEnvelope(await gw.api('GET', '/oauth2/api/login/kakao'), 200, true, 'still served');
});
