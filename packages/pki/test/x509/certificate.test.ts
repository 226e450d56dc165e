import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certificateToDer, certificateToPem, isPkiError, parseCertificate, toDer } from '../../src/index.js';

describe.skipIf(!hasNcaFixtures())('parseCertificate on NCA fixtures', () => {
  it('reads PEM, DER and base64 forms of the same certificate identically', () => {
    const pem = new TextDecoder().decode(readNcaFixture('ee-test/rsa_individual_sign_2022.pem'));
    const der = toDer(pem, 'CERTIFICATE');
    expect(certificateToDer(pem)).toEqual(der);
    expect(certificateToDer(der)).toEqual(der);
    expect(certificateToDer(parseCertificate(der))).toEqual(der); // original TBS bytes kept
    expect(certificateToPem(der)).toContain('-----BEGIN CERTIFICATE-----');
  });
});

describe('parseCertificate on bad input', () => {
  it('throws ERR_CERTIFICATE_INVALID, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseCertificate(Uint8Array.of(0x30, ...bytes));
        } catch (e) {
          expect(isPkiError(e, 'ERR_CERTIFICATE_INVALID')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
    expect(() => parseCertificate('not a certificate')).toThrow(
      expect.objectContaining({ code: 'ERR_CERTIFICATE_INVALID' }),
    );
  });
});
