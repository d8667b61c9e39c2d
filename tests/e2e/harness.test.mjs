// The harness itself. Files run side by side (E2E_JOBS), so a port the
// harness picked may be taken by another file's server before its own binds
// it: it picks again, and takes a server as ready only once that server's
// own log says it listens (the 200 could come from the other one).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Gatehouse, freePort, useGatehouse } from './lib/harness.mjs';

const other = useGatehouse({ label: "another file's server" });

test('a picked port that another server holds is picked again; the server started is the one that answers', async () => {
  const picks = [];
  const pickPort = async () => {
    picks.push(picks.length === 0 ? other.port : await freePort());
    return picks.at(-1);
  };
  const gh = new Gatehouse({ label: 'late server', pickPort });
  try {
    await gh.start();
    assert.equal(picks.length, 2, `picks: ${picks}`);
    assert.equal(gh.port, picks[1]);
    assert.equal(gh.proc?.exitCode, null, 'the server started is running');
    assert.equal((await gh.get('/healthz')).status, 200);
    assert.equal(await gh.stop(), null);
  } finally {
    await gh.stop();
    gh.removeDir();
  }
});

test('a port the test reserved is not picked again: the start fails and says why', async () => {
  const gh = new Gatehouse({ label: 'reserved port' });
  gh.port = other.port;
  await assert.rejects(gh.start(), /exited before it was ready[^]*already in use/);
  gh.removeDir();
});
