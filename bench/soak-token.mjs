// bench/soak.sh's helper: signs the soak user in at a running server (base
// URL, client id, secret, redirect URI, username, password as arguments)
// through the browser-like walker of the e2e harness and prints an access
// token for the userinfo load.
import { codeGrant, request, walkAuthorize } from '../tests/e2e/lib/harness.mjs';

const [base, id, secret, redirectUri, username, password] = process.argv.slice(2);
const client = { id, secret, redirectUri };
const params = new URLSearchParams({ client_id: id, redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile email', state: 'soak' });
const r = await walkAuthorize(`${base}/auth/authorize?${params}`, { username, password });
const code = r.redirect?.searchParams.get('code');
if (!code) throw new Error(`no code: ${r.response.describe()}`);
const res = await request('POST', `${base}/oauth2/v1/token`, { body: codeGrant(client, code) });
if (res.status !== 200) throw new Error(`token: ${res.describe()}`);
process.stdout.write(res.json.access_token + '\n');
