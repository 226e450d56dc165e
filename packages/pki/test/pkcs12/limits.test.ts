/**
 * The iteration caps of `openPkcs12` (issue 10 #14): per KDF, just above what real files use, and
 * a per-file budget; a hostile file is refused before the work, with a message that says why.
 */
import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPkcs12 } from '../../src/pkcs12/create.js';
import {
  chargeIterations,
  DEFAULT_MAX_PBKDF2_ITERATIONS,
  DEFAULT_MAX_PKCS12_KDF_ITERATIONS,
  decodeLimits,
  FILE_BUDGET_FACTOR,
} from '../../src/pkcs12/limits.js';
import { openPkcs12 } from '../../src/pkcs12/open.js';
import { makeIdentity, type TestIdentity } from '../support/pkcs12-test-keys.js';

const PASSWORD = 'Kz-Pki-2025-strong!';

/** Every INTEGER of a DER tree (depth first), descending into DER inside OCTET STRINGs. */
function integers(node: asn1js.AsnType, out: asn1js.Integer[] = []): asn1js.Integer[] {
  if (node instanceof asn1js.Integer) out.push(node);
  const children = (node as { valueBlock?: { value?: unknown } }).valueBlock?.value;
  if (Array.isArray(children)) for (const c of children) integers(c as asn1js.AsnType, out);
  return out;
}

/** The file with its MacData iteration count replaced. */
function withMacIterations(p12: Uint8Array, iterations: number): Uint8Array {
  const pfx = asn1js.fromBER(p12).result as asn1js.Sequence;
  const macData = pfx.valueBlock.value[2] as asn1js.Sequence;
  macData.valueBlock.value[2] = new asn1js.Integer({ value: iterations });
  return new Uint8Array(pfx.toBER(false));
}

/**
 * A modern file whose PBKDF2 iteration counts (inside the authenticated safe) are replaced; its
 * MAC no longer matches, but the counts are read while decrypting, after the MAC check, so the
 * file is opened without a MAC (`-nomac` style) by dropping MacData.
 */
function withPbkdf2Iterations(p12: Uint8Array, iterations: number): Uint8Array {
  const pfx = asn1js.fromBER(p12).result as asn1js.Sequence;
  const authSafe = pfx.valueBlock.value[1] as asn1js.Sequence;
  const content = (authSafe.valueBlock.value[1] as asn1js.Constructed).valueBlock
    .value[0] as asn1js.OctetString;
  const safe = asn1js.fromBER(content.valueBlock.valueHexView).result;
  // The PBKDF2-params iterationCount INTEGERs: every INTEGER of the EncryptedData but its version.
  const encrypted = integers(safe).filter((i) => i.valueBlock.valueDec === 2048);
  expect(encrypted.length).toBeGreaterThan(0);
  for (const i of encrypted) {
    const replaced = new asn1js.Integer({ value: iterations });
    Object.assign(i, { valueBlock: replaced.valueBlock, lenBlock: replaced.lenBlock });
  }
  const rebuilt = new asn1js.Sequence({
    value: [
      pfx.valueBlock.value[0] as asn1js.Integer,
      new asn1js.Sequence({
        value: [
          authSafe.valueBlock.value[0] as asn1js.ObjectIdentifier,
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 0 },
            value: [new asn1js.OctetString({ valueHex: safe.toBER(false) })],
          }),
        ],
      }),
    ],
  });
  return new Uint8Array(rebuilt.toBER(false));
}

let rsa: TestIdentity;
beforeAll(async () => {
  rsa = await makeIdentity({ subject: 'CN=limits' });
});

describe('PKCS #12 iteration caps', () => {
  it('caps each KDF just above real files: 100,000 for the PKCS #12 KDF, 1,000,000 for PBKDF2', () => {
    expect(DEFAULT_MAX_PKCS12_KDF_ITERATIONS).toBe(100_000);
    expect(DEFAULT_MAX_PBKDF2_ITERATIONS).toBe(1_000_000);
    expect(decodeLimits().maxIterations).toEqual({ 'pkcs12-kdf': 100_000, pbkdf2: 1_000_000 });
    expect(decodeLimits(5000).maxIterations).toEqual({ 'pkcs12-kdf': 5000, pbkdf2: 5000 });
  });

  it('a MacData asking for 1,000,000 PKCS #12 KDF iterations is refused by default, saying what real files use', async () => {
    const p12 = await createPkcs12({
      privateKey: rsa.keys.privateKey,
      certificate: rsa.der,
      password: PASSWORD,
      format: 'legacy',
    });
    const hostile = withMacIterations(p12, 1_000_000);
    const error = await openPkcs12(hostile, PASSWORD).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_PKCS12_UNSUPPORTED',
      details: { kdf: 'pkcs12-kdf', iterations: 1_000_000, limit: 100_000 },
    });
    expect((error as Error).message).toMatch(/NCA key files use 1024-2048/);
    expect((error as Error).message).toMatch(/maxIterations/);
    // At the cap itself the count is accepted (and the MAC, now over another count, fails).
    await expect(openPkcs12(withMacIterations(p12, 2048), PASSWORD)).rejects.toMatchObject({
      code: 'ERR_PKCS12_BAD_PASSWORD',
    });
  });

  it('PBKDF2 counts above 1,000,000 are refused; the message names the PBKDF2 cap', async () => {
    const p12 = await createPkcs12({
      privateKey: rsa.keys.privateKey,
      certificate: rsa.der,
      password: PASSWORD,
    });
    const error = await openPkcs12(withPbkdf2Iterations(p12, 8_000_000), PASSWORD).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_PKCS12_UNSUPPORTED',
      details: { kdf: 'pbkdf2', iterations: 8_000_000, limit: 1_000_000 },
    });
    expect((error as Error).message).toMatch(/OWASP advises 600000/);
  });

  it('a whole file gets six times each cap: many bags cannot multiply the work', () => {
    const limits = decodeLimits();
    for (let i = 0; i < FILE_BUDGET_FACTOR; i++) chargeIterations(limits, 'pkcs12-kdf', 100_000);
    expect(() => chargeIterations(limits, 'pkcs12-kdf', 1)).toThrow(/in total/);
    // The budgets are separate per KDF.
    chargeIterations(limits, 'pbkdf2', 1_000_000, 2);
    expect(() => chargeIterations(limits, 'pbkdf2', 1_000_000, 5)).toThrow(
      expect.objectContaining({ code: 'ERR_PKCS12_UNSUPPORTED' }),
    );
  });

  it('a legacy file written at the cap (five derivations) opens with the default limits', async () => {
    const p12 = await createPkcs12({
      privateKey: rsa.keys.privateKey,
      certificate: rsa.der,
      password: PASSWORD,
      format: 'legacy',
      iterations: DEFAULT_MAX_PKCS12_KDF_ITERATIONS,
    });
    const opened = await openPkcs12(p12, PASSWORD);
    expect(opened.certificate).toEqual(rsa.der);
  });
});
