/**
 * A structural check that a stored private key is sealed (the `key-envelope` of @kzpki/ca-store),
 * for the at-rest tests. Searching the stored text for `MII` (the base64 start of a DER
 * PKCS#8) was flaky: the ciphertexts of the CA's and the status service's keys (some 5,000 base64url characters) contain `MII`
 * by chance in about one run in fifty (a CI run failed on it). This check has no false alarm: the envelope has exactly its five fields (and optional KDF parameters), an
 * AES-GCM nonce and tag of the right sizes, and a ciphertext that does not decode to a DER
 * PKCS#8 PrivateKeyInfo (`SEQUENCE { INTEGER 0|1, ... }`), which a sealed key would do only
 * if the keystream's first bytes were zero (2^-40 per key).
 */

const B64URL = /^[A-Za-z0-9_-]+$/;

/** The reason `text` is not a sealed key envelope, or `undefined` when it is one. */
export function sealedKeyProblem(text: string): string | undefined {
  if (/PRIVATE KEY/.test(text)) return 'PEM private key in the stored text';
  let env: unknown;
  try {
    env = JSON.parse(text);
  } catch {
    return 'not a JSON envelope';
  }
  if (env === null || typeof env !== 'object') return 'not a JSON object';
  const e = env as Record<string, unknown>;
  // The five envelope fields, and the KDF parameters some envelopes carry.
  const fields = Object.keys(e)
    .filter((k) => k !== 'kdf')
    .sort()
    .join(',');
  if (fields !== 'alg,ct,iv,tag,v') return `unexpected fields ${fields}`;
  if (e.v !== 1 || e.alg !== 'A256GCM') return 'not a v1 A256GCM envelope';
  for (const f of ['iv', 'ct', 'tag'] as const) {
    if (typeof e[f] !== 'string' || !B64URL.test(e[f] as string)) return `${f} is not base64url`;
  }
  const iv = Buffer.from(e.iv as string, 'base64url');
  const tag = Buffer.from(e.tag as string, 'base64url');
  const ct = Buffer.from(e.ct as string, 'base64url');
  if (iv.length !== 12) return `nonce of ${iv.length} bytes`;
  if (tag.length !== 16) return `tag of ${tag.length} bytes`;
  if (looksLikePkcs8(ct)) return 'ciphertext is a plain DER PKCS#8';
  return undefined;
}

function looksLikePkcs8(der: Uint8Array): boolean {
  if (der[0] !== 0x30) return false;
  // Skip the SEQUENCE length (short form or 0x81/0x82 long form).
  const l = der[1] ?? 0;
  const at = l < 0x80 ? 2 : 2 + (l & 0x7f);
  return der[at] === 0x02 && der[at + 1] === 0x01 && (der[at + 2] === 0x00 || der[at + 2] === 0x01);
}
