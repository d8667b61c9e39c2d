// A real SMTP server for the tests (smtp-server from npm, no TLS, no AUTH, on
// loopback) that parses what it receives with mailparser, and a Gatehouse
// whose configuration has an [smtp] section pointing at it. The mailbox can be
// stopped and started again on the same port, to play an SMTP outage.

import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';

import { Gatehouse, freePort, sleep } from './harness.mjs';

export class Mailbox {
  constructor() {
    this.messages = []; // { to, raw, parsed }
    this.server = null;
    this.reject = new Set(); // recipients refused for good (550)
  }

  async start() {
    this.port ??= await freePort();
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, session, done) => {
        if (!this.reject.has(address.address)) return done();
        const e = new Error('no such mailbox');
        e.responseCode = 550;
        return done(e);
      },
      onData: (stream, session, done) => {
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks);
          const to = session.envelope.rcptTo.map((r) => r.address);
          this.messages.push({ to, raw: raw.toString('utf8'), parsed: await simpleParser(raw) });
          done();
        });
      },
    });
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', resolve);
    });
  }

  async stop() {
    if (!this.server) return;
    const s = this.server;
    this.server = null;
    await new Promise((resolve) => s.close(resolve));
  }

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Resolves to the first message (after `after` messages) to address, waiting up to ms. */
  async waitFor(address, { ms = 8000, after = 0 } = {}) {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const m = this.messages.slice(after).find((x) => x.to.includes(address));
      if (m) return m;
      await sleep(50);
    }
    throw new Error(`no mail to ${address} within ${ms} ms (got ${this.messages.length} in all)`);
  }

  /** Messages to address so far. */
  to(address) {
    return this.messages.filter((x) => x.to.includes(address));
  }
}

/** The link a message holds to path (its text part), or null. */
export function linkIn(message, path) {
  const m = message.parsed.text.match(new RegExp(`https?://\\S+${path.replace(/\//g, '\\/')}\\?\\S+`));
  return m ? m[0] : null;
}

/** A Gatehouse with [smtp] (smtp: an object of keys) next to its [server] config. */
export class MailGatehouse extends Gatehouse {
  constructor({ smtp = null, ...opts } = {}) {
    super(opts);
    this.smtp = smtp;
  }

  configText() {
    const server = super.configText() ?? '';
    if (!this.smtp) return server || null;
    const lines = ['[smtp]', ...Object.entries(this.smtp).map(([k, v]) => `${k} = ${v}`)];
    return `${server}\n${lines.join('\n')}\n`;
  }
}
