// Issue 21: several instances on one database share one outbox, and each
// message is sent once. Three servers with the same [smtp] send to one SMTP
// server; twenty invitations queued from the command line (the outbox only)
// arrive once each, with twenty distinct Message-IDs, and the outbox ends
// empty. On SQLite the three share a file; with GATEHOUSE_E2E_PG, a
// PostgreSQL database.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { freshDatabase, querySql, setup, sleep, useServer } from './lib/harness.mjs';
import { Mailbox, MailGatehouse } from './lib/mailbox.mjs';

const mailbox = new Mailbox();
await mailbox.start();
after(() => mailbox.stop());

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gh-mail-instances-'));
const database = freshDatabase(dir);
after(() => {
  database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});
const ISSUER = 'http://login.mail-instances.test';
const SMTP = { url: mailbox.url, from: 'noreply@gatehouse.test', retry_min: 1 };
const nodes = [1, 2, 3].map((n) =>
  useServer(new MailGatehouse({ db: database.url, issuer: ISSUER, label: `gatehouse ${n}`, config: { registration: 'invite' }, smtp: SMTP })),
);
const COUNT = 20;

setup(() => {});

test('twenty messages queued, three workers, each message sent once', async () => {
  const addresses = Array.from({ length: COUNT }, (_, i) => `guest${i}@mail.test`);
  for (const [i, address] of addresses.entries()) {
    const node = nodes[i % nodes.length];
    const r = await node.cli(['--config', node.configPath, 'user', 'invite', address]);
    assert.equal(r.code, 0, r.stderr);
  }
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && mailbox.messages.length < COUNT) await sleep(100);
  await sleep(1500); // a duplicate would come within a poll or two
  assert.equal(mailbox.messages.length, COUNT, 'as many mails as messages');
  for (const a of addresses) assert.equal(mailbox.to(a).length, 1, `one mail to ${a}`);
  assert.equal(new Set(mailbox.messages.map((m) => m.parsed.messageId)).size, COUNT);
  assert.equal(querySql(database.url, 'SELECT count(*) FROM outbox'), '0');
  const senders = nodes.map((n) => (n.logSince(0, Infinity).match(/"mail_sent"/g)?.length ?? 0));
  assert.equal(senders.reduce((x, y) => x + y, 0), COUNT, `sent by the three together: ${senders}`);
});
