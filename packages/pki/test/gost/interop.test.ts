/**
 * Round trips with an implementation nobody here wrote: @wavesenterprise/crypto-gost-js (a fork of
 * Rudolf Nickolaev's GostCrypto). In its default mode it uses the KZ conventions: keys x || y and
 * signatures r || s little-endian, the hash read as a little-endian integer. Our signatures verify
 * with it and its signatures verify with ours, on the three KZ algorithm sets (the library knows
 * tc26-256-paramSetA only as explicit curve parameters, which we hand it).
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GostAlgorithmId, gostAlgorithm } from '../../src/gost/algorithms.js';
import { gostCurve } from '../../src/gost/curves.js';
import { decodeGostPublicKey, encodeGostSpki } from '../../src/gost/encoding.js';
import { GostPrivateKey, verifyGost } from '../../src/gost/keys.js';

interface LibSigner {
  generateKey(): { privateKey: ArrayBuffer; publicKey: ArrayBuffer };
  sign(privateKey: ArrayBuffer | Uint8Array, data: Uint8Array): ArrayBuffer;
  verify(publicKey: ArrayBuffer | Uint8Array, signature: ArrayBuffer | Uint8Array, data: Uint8Array): boolean;
}

const require = createRequire(import.meta.url);
const lib = require('@wavesenterprise/crypto-gost-js') as {
  GostEngine: { getGostSign(alg: object): LibSigner };
};

const hex0x = (n: bigint) => `0x${n.toString(16)}`;

/**
 * The library's verify, or `undefined` where it hits its own bug: its modular inverse calls an
 * undefined `subtract` in a rare branch (seen with the 256-bit TC26 order), a ReferenceError.
 */
function libVerify(signer: LibSigner, publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array) {
  try {
    return signer.verify(publicKey, signature, data.slice());
  } catch (e) {
    if (e instanceof ReferenceError && /subtract is not defined/.test(e.message)) return undefined;
    throw e;
  }
}

function libSigner(id: GostAlgorithmId): LibSigner {
  switch (id) {
    case 'gost2015-512':
      return lib.GostEngine.getGostSign({
        name: 'GOST R 34.10',
        version: 2012,
        mode: 'SIGN',
        length: 512,
        namedCurve: 'T-512-A',
        hash: { name: 'GOST R 34.11', version: 2012, length: 512 },
      });
    case 'gost2015-256': {
      const c = gostCurve('tc26-256-paramSetA').params;
      return lib.GostEngine.getGostSign({
        name: 'GOST R 34.10',
        version: 2012,
        mode: 'SIGN',
        length: 256,
        curve: { p: hex0x(c.p), a: hex0x(c.a), b: hex0x(c.b), q: hex0x(c.q), x: hex0x(c.x), y: hex0x(c.y) },
        hash: { name: 'GOST R 34.11', version: 2012, length: 256 },
      });
    }
    case 'gost2004':
      return lib.GostEngine.getGostSign({
        name: 'GOST R 34.10',
        version: 2001,
        mode: 'SIGN',
        namedCurve: 'S-256-A',
        sBox: 'D-TEST',
        hash: { name: 'GOST R 34.11', version: 1994 },
      });
  }
}

describe.each(['gost2015-512', 'gost2015-256', 'gost2004'] as const)('%s with crypto-gost-js', (id) => {
  const alg = gostAlgorithm(id);
  const signer = libSigner(id);

  it('our signatures verify with the library', () => {
    const key = GostPrivateKey.generate(id);
    let checked = 0;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        const sig = key.sign(data);
        const ok = libVerify(signer, key.publicKey, sig, data);
        if (ok === undefined) return;
        expect(ok).toBe(true);
        const bad = sig.slice();
        bad[5]! ^= 0x10;
        expect(libVerify(signer, key.publicKey, bad, data)).not.toBe(true);
        checked++;
      }),
      { numRuns: 5 },
    );
    expect(checked).toBeGreaterThanOrEqual(3);
  });

  it("the library's signatures verify with ours", () => {
    const pair = signer.generateKey();
    const publicKey = new Uint8Array(pair.publicKey);
    const spki = encodeGostSpki(alg, decodeGostPublicKey(gostCurve(alg.curveName), publicKey));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        const sig = new Uint8Array(signer.sign(pair.privateKey, data.slice()));
        expect(verifyGost(alg.signatureOid, spki, data, sig)).toBe(true);
        const other = data.length > 0 ? data.slice(1) : Uint8Array.of(0);
        expect(verifyGost(alg.signatureOid, spki, other, sig)).toBe(false);
      }),
      { numRuns: 4 },
    );
  });

  it("the library's private key (little-endian) gives the same public key with ours", () => {
    const pair = signer.generateKey();
    const ours = GostPrivateKey.fromScalar(id, new Uint8Array(pair.privateKey));
    expect(ours.publicKey).toEqual(new Uint8Array(pair.publicKey));
  });
});
