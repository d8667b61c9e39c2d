// A software authenticator for the passkey tests that craft requests from
// node: P-256 keys from node's crypto, CBOR written by the small encoder
// below (independent of the server's libcbor), authenticator data, client
// data and signatures as WebAuthn §6.1, §5.8.1 and §6.3.3 describe them. Its
// parts can be bent (origin, rpIdHash, counter, signature) for the hostile
// cases.

import crypto from 'node:crypto';

function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** CBOR (RFC 8949) of integers, text, byte strings (Buffer) and maps (Map or plain object). */
export function cbor(v) {
  if (Number.isInteger(v)) return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') return Buffer.concat([head(3, Buffer.byteLength(v)), Buffer.from(v)]);
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  const m = v instanceof Map ? v : new Map(Object.entries(v));
  return Buffer.concat([head(5, m.size), ...[...m].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
}

const sha256 = (b) => crypto.createHash('sha256').update(b).digest();
const b64url = (b) => Buffer.from(b).toString('base64url');

export const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, AT: 0x40 };

export class SoftPasskey {
  /** A new ES256 credential for rpId at origin; userId (bytes) once registered. */
  constructor({ rpId, origin }) {
    this.rpId = rpId;
    this.origin = origin;
    this.id = crypto.randomBytes(16);
    this.userId = null;
    this.count = 0;
    ({ privateKey: this.privateKey, publicKey: this.publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }));
  }

  get credentialId() {
    return b64url(this.id);
  }

  coseKey() {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return cbor(new Map([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x, 'base64url')], [-3, Buffer.from(jwk.y, 'base64url')]]));
  }

  clientData(type, challenge, { origin = this.origin, extra = {} } = {}) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false, ...extra }));
  }

  authData({ flags, count, attested = false, rpId = this.rpId }) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(count);
    const parts = [sha256(rpId), Buffer.from([flags]), c];
    if (attested) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(this.id.length);
      parts.push(Buffer.alloc(16), len, this.id, this.coseKey());
    }
    return Buffer.concat(parts);
  }

  /** The form fields of /auth/passkey/register for options (as the server sent them). */
  registration(options, { origin, rpId, attestation } = {}) {
    this.userId = Buffer.from(options.user.id, 'base64url');
    const clientData = this.clientData('webauthn.create', options.challenge, { origin });
    const authData = this.authData({ flags: FLAG.UP | FLAG.UV | FLAG.AT, count: 0, attested: true, rpId });
    const obj = attestation ?? cbor({ fmt: 'none', attStmt: {}, authData });
    return { credential_id: this.credentialId, client_data: b64url(clientData), attestation_object: b64url(obj), transports: 'internal' };
  }

  /** The assertion fields of the sign-in form for challenge (base64url). */
  assertion(challenge, { origin, rpId, count = ++this.count, flags = FLAG.UP | FLAG.UV, tamper = false, userId = this.userId } = {}) {
    const clientData = this.clientData('webauthn.get', challenge, { origin });
    const authData = this.authData({ flags, count, rpId });
    const signature = crypto.sign('sha256', Buffer.concat([authData, sha256(clientData)]), this.privateKey);
    if (tamper) signature[signature.length - 1] ^= 1;
    return {
      credential_id: this.credentialId,
      client_data: b64url(clientData),
      authenticator_data: b64url(authData),
      signature: b64url(signature),
      user_handle: userId ? b64url(userId) : '',
    };
  }
}
