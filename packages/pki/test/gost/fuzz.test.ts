/**
 * Fuzzing the GOST parsers of untrusted input: SubjectPublicKeyInfo, the raw public key x || y,
 * the signature value, and verifyGost as a whole. Random bytes and mutated valid encodings (ours
 * and the NCA certificates' keys) must end in a result or a PkiError with a documented code, never
 * in a TypeError or a noble error escaping.
 */
import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDer } from '../../src/der/encoding.js';
import { DerReader } from '../../src/der/reader.js';
import { isPkiError, type PkiErrorCode } from '../../src/errors.js';
import { GOST_ALGORITHMS } from '../../src/gost/algorithms.js';
import { gostCurve } from '../../src/gost/curves.js';
import { decodeGostPublicKey, decodeGostSignature, decodeGostSpki } from '../../src/gost/encoding.js';
import { GostPrivateKey, verifyGost } from '../../src/gost/keys.js';

const KEY_CODES: PkiErrorCode[] = ['ERR_KEY_INVALID', 'ERR_UNSUPPORTED_ALGORITHM'];

function onlyPkiErrors(codes: PkiErrorCode[], f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!isPkiError(e) || !codes.includes(e.code)) throw e;
  }
}

/** The SPKI element of a certificate (after subject). */
function certSpki(cert: Uint8Array): Uint8Array {
  const r = new DerReader(cert, 'ERR_ASN1_INVALID', 'certificate');
  const tbs = r.childList(r.root(0x30, 'Certificate'))[0]!;
  const parts = r.childList(tbs);
  const offset = parts[0]!.tag === 0xa0 ? 1 : 0;
  return r.tlv(parts[offset + 5]!).slice();
}

interface Mutation {
  kind: 'flip' | 'truncate' | 'insert' | 'delete' | 'length';
  at: number;
  value: number;
  count: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'truncate', 'insert', 'delete', 'length'),
  at: fc.nat(),
  value: fc.nat({ max: 255 }),
  count: fc.integer({ min: 1, max: 4 }),
});

function mutate(seed: Uint8Array, m: Mutation): Uint8Array {
  const at = m.at % (seed.length + 1);
  switch (m.kind) {
    case 'flip': {
      const out = seed.slice();
      for (let i = 0; i < m.count; i++) out[(at + 7 * i) % out.length]! ^= 1 << ((m.value + i) & 7);
      return out;
    }
    case 'truncate':
      return seed.subarray(0, at);
    case 'insert':
      return Uint8Array.from([...seed.subarray(0, at), m.value, ...seed.subarray(at)]);
    case 'delete':
      return Uint8Array.from([...seed.subarray(0, at), ...seed.subarray(at + m.count)]);
    default: {
      // Corrupt a length octet: the byte after an identifier is the length in short TLVs.
      const out = seed.slice();
      out[Math.min(at + 1, out.length - 1)] = [0x00, 0x7f, 0x80, 0x81, 0x84, 0xff][m.value % 6]!;
      return out;
    }
  }
}

const seeds: Uint8Array[] = GOST_ALGORITHMS.map((a) => GostPrivateKey.generate(a.id).publicKeyInfo);
if (hasNcaFixtures()) {
  for (const f of [
    'ca-test/root_test_gost_2022.cer',
    'ca-test/root_gost_test.crt',
    'ee-test/gost2015_ceo_2026.pem',
  ]) {
    seeds.push(certSpki(toDer(readNcaFixture(f))));
  }
}

describe('GOST parsers under fuzzing', () => {
  it('decodeGostSpki: random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) =>
        onlyPkiErrors(KEY_CODES, () => decodeGostSpki(bytes)),
      ),
      { numRuns: 500 },
    );
  });

  it('decodeGostSpki: mutated valid SPKIs (ours and the NCA certificates)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.constantFrom(...seeds), mutation, (seed, m) => {
        onlyPkiErrors(KEY_CODES, () => {
          decodeGostSpki(mutate(seed, m));
          accepted++;
        });
      }),
      { numRuns: 400 },
    );
    // Some mutations (e.g. a flipped bit in y) must be caught by point validation, not by DER.
    expect(accepted).toBeLessThan(400);
  });

  it('decodeGostPublicKey: random 128-byte strings are valid points only by chance', () => {
    const curve = gostCurve('tc26-512-paramSetA');
    let valid = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 130 }), (bytes) => {
        onlyPkiErrors(['ERR_KEY_INVALID'], () => {
          decodeGostPublicKey(curve, bytes);
          valid++;
        });
      }),
      { numRuns: 300 },
    );
    expect(valid).toBe(0);
  });

  it('decodeGostSignature: any input is (r, s) or ERR_SIGNATURE_INVALID', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(32, 64) as fc.Arbitrary<32 | 64>,
        fc.uint8Array({ maxLength: 140 }),
        (size, bytes) => onlyPkiErrors(['ERR_SIGNATURE_INVALID'], () => decodeGostSignature(size, bytes)),
      ),
      { numRuns: 300 },
    );
  });

  it('verifyGost: mutated keys and signatures give false or a key error, never true', () => {
    const key = GostPrivateKey.generate('gost2015-512');
    const data = Uint8Array.of(1, 2, 3, 4);
    const sig = key.sign(data);
    fc.assert(
      fc.property(mutation, mutation, fc.boolean(), (mk, ms, mutateKey) => {
        const spki = mutateKey ? mutate(key.publicKeyInfo, mk) : key.publicKeyInfo;
        const s = mutate(sig, ms);
        onlyPkiErrors(KEY_CODES, () => {
          const ok = verifyGost(key.signatureAlgorithm, spki, data, s);
          const same =
            spki.length === key.publicKeyInfo.length && spki.every((b, i) => b === key.publicKeyInfo[i]);
          const sameSig = s.length === sig.length && s.every((b, i) => b === sig[i]);
          if (!(same && sameSig)) expect(ok).toBe(false);
        });
      }),
      { numRuns: 150 },
    );
  });
});
