import { hasNcaFixtures, NCA_TEST_PASSWORD, readNcaFixture } from '@kzpki/test-fixtures';
import * as asn1js from 'asn1js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PkiError } from '../../src/errors.js';
import { createPkcs12 } from '../../src/pkcs12/create.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';
import { makeIdentity } from '../support/pkcs12-test-keys.js';

const PASSWORD = 'Fuzz-pkcs12-1';
/** What `openPkcs12` documents: the three PKCS#12 codes, and the two of a certificate's invalid key. */
const ALLOWED = [
  'ERR_PKCS12_BAD_PASSWORD',
  'ERR_PKCS12_INVALID',
  'ERR_PKCS12_UNSUPPORTED',
  'ERR_KEY_INVALID',
  'ERR_KEY_TOO_WEAK',
];

/** Opens `bytes`; the only acceptable failures are the documented codes. */
async function openOrTypedError(bytes: Uint8Array, password: string): Promise<string> {
  try {
    await openPkcs12(bytes, password);
    return 'opened';
  } catch (e) {
    if (!(e instanceof PkiError) || !ALLOWED.includes(e.code)) {
      throw new Error(`untyped failure: ${String(e)}`, { cause: e });
    }
    return e.code;
  }
}

/** A mutation of a valid file: bit flips, truncation, byte overwrite, insertion or deletion. */
const mutation = (length: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      bits: fc.array(fc.integer({ min: 0, max: length * 8 - 1 }), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.integer({ min: 0, max: length - 1 }) }),
    fc.record({
      kind: fc.constant('overwrite' as const),
      at: fc.integer({ min: 0, max: length - 1 }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }),
    }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.integer({ min: 0, max: length }),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
    fc.record({
      kind: fc.constant('delete' as const),
      at: fc.integer({ min: 0, max: length - 1 }),
      count: fc.integer({ min: 1, max: 8 }),
    }),
  );

type Mutation =
  | { kind: 'flip'; bits: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; count: number };

function mutate(original: Uint8Array, m: Mutation): Uint8Array {
  switch (m.kind) {
    case 'flip': {
      const out = original.slice();
      for (const bit of m.bits) out[bit >> 3]! ^= 0x80 >> (bit & 7);
      return out;
    }
    case 'truncate':
      return original.slice(0, m.at);
    case 'overwrite': {
      const out = original.slice();
      out.set(m.bytes.subarray(0, out.length - m.at), m.at);
      return out;
    }
    case 'insert':
      return Uint8Array.from([...original.subarray(0, m.at), ...m.bytes, ...original.subarray(m.at)]);
    case 'delete':
      return Uint8Array.from([...original.subarray(0, m.at), ...original.subarray(m.at + m.count)]);
  }
}

/** The same PFX without its MacData, so mutations reach the decryption paths directly. */
function withoutMac(p12: Uint8Array): Uint8Array {
  const pfx = asn1js.fromBER(p12).result as asn1js.Sequence;
  pfx.valueBlock.value.splice(2, 1);
  return new Uint8Array(pfx.toBER(false));
}

describe('openPkcs12 on hostile input: only typed errors, never a hang', () => {
  const samples: Array<[string, Uint8Array]> = [];
  beforeAll(async () => {
    const id = await makeIdentity({ subject: 'CN=Fuzz', algorithm: 'EC', purpose: 'auth' });
    for (const format of ['modern', 'legacy'] as const) {
      const p12 = await createPkcs12({
        privateKey: id.keys.privateKey,
        certificate: id.der,
        password: PASSWORD,
        format,
      });
      samples.push([format, p12], [`${format} without MAC`, withoutMac(p12)]);
    }
  });

  it('a certificate with a damaged date inside a key store is ERR_PKCS12_INVALID (found by this fuzzer)', async () => {
    const id = await makeIdentity({ subject: 'CN=Fuzz date', algorithm: 'EC', purpose: 'auth' });
    const der = id.der.slice();
    // The second UTCTime (tag 0x17, length 13) is notAfter: make one of its digits a letter.
    const times = [...der.keys()].filter((i) => der[i] === 0x17 && der[i + 1] === 0x0d);
    const notAfter = times[1];
    expect(notAfter).toBeDefined();
    der[notAfter! + 4] = 0x58; // 'X'
    const p12 = await createPkcs12({
      privateKey: id.keys.privateKey,
      certificate: der,
      password: PASSWORD,
      format: 'modern',
    });
    expect(await openOrTypedError(p12, PASSWORD)).toBe('ERR_PKCS12_INVALID');
  });

  it('the unmutated samples open (so mutations start from valid files)', async () => {
    for (const [, bytes] of samples) expect(await openOrTypedError(bytes, PASSWORD)).toBe('opened');
  });

  it('random bytes (100 cases, some starting like DER)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.uint8Array({ maxLength: 600 }), async (derLike, tail) => {
        const bytes = derLike
          ? Uint8Array.from([0x30, 0x82, tail.length >> 8, tail.length & 0xff, ...tail])
          : tail;
        const outcome = await openOrTypedError(bytes, PASSWORD);
        expect(outcome).not.toBe('opened');
      }),
      { numRuns: 100 },
    );
  });

  it('mutations of modern and legacy files, with and without MAC (200 cases)', async () => {
    const outcomes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc
          .integer({ min: 0, max: samples.length - 1 })
          .chain((i) => fc.tuple(fc.constant(i), mutation(samples[i]![1].length))),
        async ([i, m]) => {
          outcomes.add(await openOrTypedError(mutate(samples[i]![1], m as Mutation), PASSWORD));
        },
      ),
      { numRuns: 200 },
    );
    // The fuzzing reached past the outer parser: wrong-password and malformed outcomes both occur.
    expect(outcomes).toContain('ERR_PKCS12_INVALID');
    expect(outcomes).toContain('ERR_PKCS12_BAD_PASSWORD');
  });

  it.skipIf(!hasNcaFixtures())('mutations of a real NCA key store (40 cases)', async () => {
    const nca = readNcaFixture('p12/GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12');
    await fc.assert(
      fc.asyncProperty(mutation(nca.length), async (m) => {
        await openOrTypedError(mutate(nca, m as Mutation), NCA_TEST_PASSWORD);
      }),
      { numRuns: 40 },
    );
  });

  it('deeply nested indefinite-length BER is ERR_PKCS12_INVALID, not a stack overflow', async () => {
    const depth = 100_000;
    const nested = new Uint8Array(depth * 2);
    for (let i = 0; i < depth; i++) nested.set([0x30, 0x80], i * 2);
    await expect(openPkcs12(nested, PASSWORD)).rejects.toMatchObject({ code: 'ERR_PKCS12_INVALID' });
  });

  it('an attacker-chosen huge iteration count is refused before any work', async () => {
    // MacData iterations patched to 0x7fffffff in an otherwise valid legacy file.
    const legacy = samples.find(([name]) => name === 'legacy')![1];
    const pfx = asn1js.fromBER(legacy).result as asn1js.Sequence;
    const macData = pfx.valueBlock.value[2] as asn1js.Sequence;
    macData.valueBlock.value[2] = new asn1js.Integer({ value: 0x7fffffff });
    await expect(openPkcs12(new Uint8Array(pfx.toBER(false)), PASSWORD)).rejects.toMatchObject({
      code: 'ERR_PKCS12_UNSUPPORTED',
    });
  });

  it('non-string passwords are an argument error', async () => {
    await expect(openPkcs12(samples[0]![1], undefined as unknown as string)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});
