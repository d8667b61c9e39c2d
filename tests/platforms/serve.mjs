// Runs one stand-in from the command line, for manual tries and for tests in
// other processes: node tests/platforms/serve.mjs KIND. Prints one JSON line
// with its base URL and the [platform.NAME] keys for the gateway, then serves
// until SIGINT/SIGTERM. Faults: POST /_control {"fault":"timeout"} (see lib.mjs).

import { startPlatform } from './index.mjs';

const kind = process.argv[2];
const p = await startPlatform(kind);
process.stdout.write(JSON.stringify({ kind, base: p.base, config: p.config() }) + '\n');
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => p.stop().then(() => process.exit(0)));
