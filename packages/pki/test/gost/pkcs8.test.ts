/**
 * GOST private keys in PKCS #8 as the NCA's key files hold them: the keys of GOST512_*.p12 and
 * GOSTKNCA_*.p12 open to usable keys (their public key is the certificate's; what they sign
 * verifies with the certificate's key and with crypto-gost-js), and our encoding reproduces the
 * NCA's PrivateKeyInfo byte for byte. Malformed input gives only typed errors.
 */
import { createRequire } from 'node:module';
import { hasNcaFixtures, NCA_TEST_PASSWORD, readNcaFixture } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DerReader } from '../../src/der/reader.js';
import { isPkiError } from '../../src/errors.js';
import { GostPrivateKey, verifyGost } from '../../src/gost/keys.js';
import { decodeGostPkcs8, encodeGostPkcs8, isGostPkcs8 } from '../../src/gost/pkcs8.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';

const fixtures = hasNcaFixtures();

function certSpki(cert: Uint8Array): Uint8Array {
  const r = new DerReader(cert, 'ERR_ASN1_INVALID', 'certificate');
  const parts = r.childList(r.childList(r.root(0x30, 'Certificate'))[0]!);
  return r.tlv(parts[parts[0]!.tag === 0xa0 ? 6 : 5]!).slice();
}

describe.skipIf(!fixtures)('NCA GOST key files', () => {
  it.each([
    ['p12/GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12', 'gost2015-512'],
    ['p12/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.p12', 'gost2004'],
  ] as const)('%s opens to a usable %s key', async (file, id) => {
    const contents = await openPkcs12(readNcaFixture(file), NCA_TEST_PASSWORD);
    expect(isGostPkcs8(contents.pkcs8)).toBe(true);
    const key = decodeGostPkcs8(contents.pkcs8);
    expect(key.algorithm.id).toBe(id);
    const spki = certSpki(contents.certificate);
    expect(key.publicKeyInfo).toEqual(spki);
    const data = new TextEncoder().encode('signed with the NCA test key');
    expect(verifyGost(key.signatureAlgorithm, spki, data, key.sign(data))).toBe(true);
    // Our PKCS #8 is the NCA's, byte for byte.
    expect(encodeGostPkcs8(key)).toEqual(contents.pkcs8);
  });

  it('the GOST512 key signs what crypto-gost-js verifies', async () => {
    const contents = await openPkcs12(
      readNcaFixture('p12/GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12'),
      NCA_TEST_PASSWORD,
    );
    const key = decodeGostPkcs8(contents.pkcs8);
    const require = createRequire(import.meta.url);
    const lib = require('@wavesenterprise/crypto-gost-js') as {
      GostEngine: {
        getGostSign(alg: object): { verify(k: Uint8Array, s: Uint8Array, d: Uint8Array): boolean };
      };
    };
    const signer = lib.GostEngine.getGostSign({
      name: 'GOST R 34.10',
      version: 2012,
      mode: 'SIGN',
      length: 512,
      namedCurve: 'T-512-A',
      hash: { name: 'GOST R 34.11', version: 2012, length: 512 },
    });
    const data = Uint8Array.of(1, 2, 3);
    expect(signer.verify(key.publicKey, key.sign(data), data)).toBe(true);
  });
});

describe('GOST PKCS #8 encoding', () => {
  it.each(['gost2015-512', 'gost2015-256', 'gost2004'] as const)('%s round trips', (id) => {
    const key = GostPrivateKey.generate(id);
    const der = encodeGostPkcs8(key);
    expect(decodeGostPkcs8(der).publicKeyInfo).toEqual(key.publicKeyInfo);
  });

  it('is not a GOST key: RSA PKCS #8 header', () => {
    // PrivateKeyInfo { 0, { rsaEncryption, NULL }, OCTET STRING {} }
    const rsa = Uint8Array.from(Buffer.from('3014020100300d06092a864886f70d01010105000400', 'hex'));
    expect(isGostPkcs8(rsa)).toBe(false);
    expect(() => decodeGostPkcs8(rsa)).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
    );
  });

  it('mutated and random input gives only ERR_KEY_INVALID / ERR_UNSUPPORTED_ALGORITHM', () => {
    const seeds = [
      encodeGostPkcs8(GostPrivateKey.generate('gost2015-512')),
      encodeGostPkcs8(GostPrivateKey.generate('gost2004')),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.nat(),
        fc.nat({ max: 7 }),
        fc.uint8Array({ maxLength: 120 }),
        (seed, at, bit, junk) => {
          for (const input of [flip(seed, at, bit), seed.subarray(0, at % seed.length), junk]) {
            try {
              decodeGostPkcs8(input);
            } catch (e) {
              if (!isPkiError(e, 'ERR_KEY_INVALID') && !isPkiError(e, 'ERR_UNSUPPORTED_ALGORITHM')) throw e;
            }
            expect(typeof isGostPkcs8(input)).toBe('boolean');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function flip(bytes: Uint8Array, at: number, bit: number): Uint8Array {
  const out = bytes.slice();
  out[at % out.length]! ^= 1 << bit;
  return out;
}
