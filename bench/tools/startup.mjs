// Starts a server and measures its start-up: from fork/exec until the URL
// first answers 200 (polled every 2 ms), at most 30 s. The server is left
// running, detached, with stdout and stderr appended to LOG; bench/run.sh
// owns it from then on and stops it by its PID.
//
//   node startup.mjs URL LOG COMMAND [ARG…]   → prints "PID MILLISECONDS"
// Exits 1 (after killing the server) when it exits or never answers 200.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';

const [url, logPath, cmd, ...args] = process.argv.slice(2);
const LIMIT_MS = 30000;
const POLL_MS = 2;

function ok200() {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.setTimeout(1000, () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const log = fs.openSync(logPath, 'a');
const t0 = process.hrtime.bigint();
const child = spawn(cmd, args, { detached: true, stdio: ['ignore', log, log] });
let gone = null;
child.on('exit', (code, signal) => (gone = signal ?? `status ${code}`));
child.on('error', (e) => (gone = e.message));

for (;;) {
  if (await ok200()) break;
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (gone || ms > LIMIT_MS) {
    if (!gone) child.kill('SIGKILL');
    console.error(`${cmd}: ${gone ? `exited (${gone})` : 'no 200'} before ${url} answered 200; log: ${logPath}`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, POLL_MS));
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
console.log(`${child.pid} ${ms.toFixed(1)}`);
child.unref();
process.exit(0);
