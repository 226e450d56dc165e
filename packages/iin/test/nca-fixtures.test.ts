/**
 * The NCA's own test certificates carry IIN/BIN values that fail the check digit: the
 * `{ checksum: false }` switch exists for them. Read straight from the certificate bytes
 * (SERIALNUMBER and OU are PrintableStrings, so the ASCII text is in the DER).
 */
import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import { describe, expect, it } from 'vitest';
import { isIinError, isValidBin, isValidIin, parseBin, parseIin } from '../src/index.js';

const CERTS = [
  'ee-test/rsa_individual_sign_2022.pem',
  'ee-test/rsa_individual_auth_2022.pem',
  'ee-test/gost2004_ceo_sign_2022.pem',
  'ee-test/gost2015_ceo_2026.pem',
  'ee-test/gost2015_employee_2026.pem',
];

/** The `IIN…`/`BIN…` strings inside a PEM certificate's DER. */
function identifiers(path: string): string[] {
  const pem = new TextDecoder().decode(readNcaFixture(path));
  const base64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const der = Buffer.from(base64, 'base64').toString('latin1');
  return der.match(/(IIN|BIN)\d{12}/g) ?? [];
}

describe.skipIf(!hasNcaFixtures())('NCA test certificates', () => {
  it('carry test identifiers that parse only with { checksum: false }', () => {
    const found = new Set(CERTS.flatMap(identifiers));
    expect(found.size).toBeGreaterThanOrEqual(2);
    expect([...found].some((v) => v.startsWith('BIN'))).toBe(true);
    for (const v of found) {
      const isIin = v.startsWith('IIN');
      const strict = isIin ? isValidIin(v) : isValidBin(v);
      expect(strict, v).toBe(false);
      const parsed = isIin ? parseIin(v, { checksum: false }) : parseBin(v, { checksum: false });
      expect(Object.values(parsed)[0]).toBe(v.slice(3));
      try {
        if (isIin) parseIin(v);
        else parseBin(v);
      } catch (e) {
        expect(isIinError(e)).toBe(true);
      }
    }
  });
});
