/**
 * CMS and timestamps made by the NCA's own software (KalkanCrypt through NCANode and other
 * integrations), from public repositories. The files are not ours and live in the shared fixtures
 * folder (never in this repository); each test skips, saying why, where its file is absent.
 *
 * | fixture | origin (repository:path) |
 * |---|---|
 * | cms/ncanode_rsa_gost2015_test123.p7s | ncanode-kz/NCANode:src/test/groovy/kz/ncanode/unit/service/CmsServiceTest.groovy (SIGNED_CMS, base64) — a GOST-2015 and an RSA signer side by side over "test123" |
 * | cms/kalkan_gost2015_test2022.p7s | mitwork/kalkan:tests/KalkanValidationServiceTest.php (test_cms_validation, base64) — GOST-2015 legal-entity signer, TEST 2022 CA |
 * | cms/ncanode_docs_rsa_prod2018.p7s | malikzh/NCANode:docs/04_API v2/05_cms.verify.md (at 131553cd) — RSA signer of the production NCA (2018) |
 * | tsp/ncanode_tsp_token_gost2004.bin, tsp/ncanode_tsp_response_gost2004.bin | ncanode-kz/NCANode:src/test/resources/tsp/ — NCA test TSA, GOST 34.310-2004, Sep 2022 |
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { NCA_TEST_PASSWORD, ncaFixturesDir, readNcaFixture } from '@kzpki/test-fixtures';
import { describe, expect, it } from 'vitest';
import { computeDigest } from '../../src/cms/digest.js';
import { openSignerKeyFile } from '../../src/cms/key-file.js';
import { parseCms } from '../../src/cms/parse.js';
import { requireSignKey } from '../../src/cms/policy.js';
import { signCms } from '../../src/cms/sign.js';
import { checkSignerInfo, readCertificates } from '../../src/cms/signer-check.js';
import { verifyCms } from '../../src/cms/verify.js';
import { toHex } from '../../src/der/encoding.js';
import { decodeGostSpki } from '../../src/gost/encoding.js';
import { parseTimestampResponse } from '../../src/tsp/response.js';
import { isTimestampingCertificate, parseTimestampToken, verifyTimestampToken } from '../../src/tsp/token.js';
import { certificatePublicKeyInfo } from '../../src/x509/certificate-fields.js';
import { inspectCertificate } from '../../src/x509/inspect.js';

const dir = ncaFixturesDir();
const has = (rel: string) => dir !== undefined && existsSync(join(dir, rel));
function itWith(rel: string, name: string, fn: () => Promise<void> | void) {
  if (has(rel)) it(name, fn);
  else it.skip(`${name} (fixture ${rel} absent: the lead adds it to the shared NCA fixtures)`, () => {});
}

const require = createRequire(import.meta.url);
const gostLib = require('@wavesenterprise/crypto-gost-js') as {
  GostEngine: {
    getGostSign(alg: object): {
      verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean;
    };
    getGostDigest(alg: object): { digest(data: Uint8Array): ArrayBuffer };
  };
};
/** GOST R 34.10-2015 512 verification by crypto-gost-js (an implementation nobody here wrote). */
function libVerify2015(spki: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean {
  const raw = decodeGostSpki(spki).publicKey;
  return gostLib.GostEngine.getGostSign({
    name: 'GOST R 34.10',
    version: 2012,
    mode: 'SIGN',
    length: 512,
    namedCurve: 'T-512-A',
    hash: { name: 'GOST R 34.11', version: 2012, length: 512 },
  }).verify(raw, signature.slice(), data.slice());
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('CMS made by the NCA software', () => {
  itWith(
    'cms/ncanode_rsa_gost2015_test123.p7s',
    'GOST-2015 and RSA signers side by side both verify',
    async () => {
      const cms = parseCms(readNcaFixture('cms/ncanode_rsa_gost2015_test123.p7s'));
      expect(new TextDecoder().decode(cms.content)).toBe('test123');
      expect(cms.signers.map((s) => s.digestAlgorithm.name)).toEqual(['STREEBOG-512', 'SHA-256']);
      expect(cms.signers.map((s) => s.signatureAlgorithm.oid)).toEqual([
        '1.2.398.3.10.1.1.2.3.2',
        '1.2.840.113549.1.1.11',
      ]);
      const [gost, rsa] = cms.signers;
      // messageDigest: the hash bytes as Streebog outputs them, ours and the library's agree.
      const ours = await computeDigest('STREEBOG-512', utf8('test123'));
      const lib = new Uint8Array(
        gostLib.GostEngine.getGostDigest({ name: 'GOST R 34.11', version: 2012, length: 512 }).digest(
          utf8('test123'),
        ),
      );
      expect(toHex(gost!.messageDigest!)).toBe(toHex(ours));
      expect(toHex(ours)).toBe(toHex(lib));
      const certs = readCertificates(cms.certificates);
      const checkGost = await checkSignerInfo(gost!, cms.contentType, cms.content, certs);
      expect(checkGost.failure).toBeUndefined();
      expect(checkGost.signatureValid).toBe(true);
      // The same signed-attribute bytes verify with crypto-gost-js.
      expect(libVerify2015(checkGost.certificate!.spki, gost!.signature, gost!.signedAttributes!.der)).toBe(
        true,
      );
      const checkRsa = await checkSignerInfo(rsa!, cms.contentType, cms.content, certs);
      expect(checkRsa.signatureValid).toBe(true);
    },
  );

  itWith(
    'cms/ncanode_rsa_gost2015_test123.p7s',
    'verifyCms: chains to the NCA test roots; the RSA certificate had expired when signed',
    async () => {
      const read = (p: string) => readNcaFixture(p);
      const options = {
        trustAnchors: [read('ca-test/root_rsa_test.pem'), read('ca-test/root_test_gost_2022.cer')],
        intermediates: [read('ca-test/nca_rsa_test.crt'), read('ca-test/nca_gost2022_test.cer')],
        revocation: false as const,
      };
      const report = await verifyCms(readNcaFixture('cms/ncanode_rsa_gost2015_test123.p7s'), {
        ...options,
        at: new Date('2022-09-27T21:17:59Z'), // the signing time: no timestamp in this CMS
      });
      const [gost, rsa] = report.signers;
      expect(gost!.signatureValid).toBe(true);
      expect(gost!.certificate?.iin).toBe('123456789012');
      expect(gost!.certificate?.keyAlgorithm).toBe('GOST-2015-512');
      expect(gost!.valid).toBe(true);
      expect(rsa!.signatureValid).toBe(true);
      expect(rsa!.certificate?.iin).toBe('123456789011');
      expect(rsa!.reason).toBe('certificate-expired'); // valid 2021-01-18..2022-01-18
      expect(report.valid).toBe(false);
      // As of a time the RSA certificate was valid, its path holds.
      const earlier = await verifyCms(readNcaFixture('cms/ncanode_rsa_gost2015_test123.p7s'), {
        ...options,
        at: new Date('2021-06-01T00:00:00Z'),
      });
      expect(earlier.signers[1]!.valid).toBe(true);
    },
  );

  itWith('cms/kalkan_gost2015_test2022.p7s', 'a GOST-2015 legal-entity signer', async () => {
    const cms = parseCms(readNcaFixture('cms/kalkan_gost2015_test2022.p7s'));
    expect(cms.signers).toHaveLength(1);
    const s = cms.signers[0]!;
    const check = await checkSignerInfo(s, cms.contentType, cms.content, readCertificates(cms.certificates));
    expect(check.signatureValid).toBe(true);
    expect(libVerify2015(check.certificate!.spki, s.signature, s.signedAttributes!.der)).toBe(true);
    const tampered = cms.content!.slice();
    tampered[0]! ^= 1;
    expect(
      (await checkSignerInfo(s, cms.contentType, tampered, readCertificates(cms.certificates))).failure
        ?.reason,
    ).toBe('digest-mismatch');
  });

  itWith(
    'cms/ncanode_docs_rsa_prod2018.p7s',
    'an RSA signer of the production NCA (2018 generation)',
    async () => {
      const p7s = readNcaFixture('cms/ncanode_docs_rsa_prod2018.p7s');
      const options = {
        trustAnchors: [readNcaFixture('ca-prod-2015-2018/root_rsa.crt')],
        intermediates: [readNcaFixture('ca-prod-2015-2018/nca_rsa.crt')],
        revocation: false as const,
      };
      const atSigning = await verifyCms(p7s, { ...options, at: new Date('2020-07-04T08:44:31Z') });
      expect(atSigning.signers[0]!.signatureValid).toBe(true);
      expect(atSigning.signers[0]!.certificate?.iin).toBe('123456789011');
      expect(atSigning.signers[0]!.certificate?.keyPurpose).toBe('auth');
      expect(atSigning.reason).toBe('certificate-expired'); // signed after the certificate's end (2019-08-22)
      const inValidity = await verifyCms(p7s, { ...options, at: new Date('2019-01-01T00:00:00Z') });
      expect(inValidity.valid).toBe(true);
    },
  );
});

describe('NCA key files sign CMS that verifies to the NCA test roots', () => {
  const p12 = {
    gost: 'p12/GOST512_ec425659bd2fc6dc587b871aede1857727cf8451.p12',
    rsa: 'p12/AUTH_RSA256_6b361b864c679601b652fe387f61fcd9303c0327.p12',
  };
  itWith(p12.gost, 'a GOST-2015 key file (TEST 2022 CA)', async () => {
    const signer = await openSignerKeyFile(readNcaFixture(p12.gost), NCA_TEST_PASSWORD);
    const p7s = await signCms({ content: 'test', signers: signer });
    const s = parseCms(p7s).signers[0]!;
    expect(s.digestAlgorithm.oid).toBe('1.2.398.3.10.1.3.3');
    const info = inspectCertificate(signer.certificate);
    expect(
      libVerify2015(certificatePublicKeyInfo(signer.certificate), s.signature, s.signedAttributes!.der),
    ).toBe(true);
    const report = await verifyCms(p7s, {
      trustAnchors: [readNcaFixture('ca-test/root_test_gost_2022.cer')],
      intermediates: [readNcaFixture('ca-test/nca_gost2022_test.cer')],
      at: new Date((Date.parse(info.notBefore) + Date.parse(info.notAfter)) / 2),
      revocation: false,
    });
    expect(report.valid).toBe(true);
    expect(report.signers[0]!.certificate?.keyAlgorithm).toBe('GOST-2015-512');
  });
  itWith(p12.rsa, 'an RSA AUTH key file (production NCA 2018)', async () => {
    const signer = await openSignerKeyFile(readNcaFixture(p12.rsa), NCA_TEST_PASSWORD);
    const p7s = await signCms({ content: 'login challenge', signers: signer });
    const report = await verifyCms(p7s, {
      trustAnchors: [readNcaFixture('ca-prod-2015-2018/root_rsa.crt')],
      intermediates: [readNcaFixture('ca-prod-2015-2018/nca_rsa.crt')],
      at: new Date('2019-02-01T00:00:00Z'),
      revocation: false,
      policies: [requireSignKey()],
    });
    expect(report.signers[0]!.valid).toBe(true);
    expect(report.signers[0]!.signKey).toBe(false);
    expect(report.reason).toBe('policy-failed');
  });
});

describe('a timestamp of the NCA test TSA (GOST 34.310-2004)', () => {
  itWith('tsp/ncanode_tsp_token_gost2004.bin', 'reads the TSTInfo and verifies the token', async () => {
    const token = readNcaFixture('tsp/ncanode_tsp_token_gost2004.bin');
    const { info, cms } = parseTimestampToken(token);
    expect(info.policy).toBe('1.2.398.3.3.2.6.1');
    expect(info.imprint.hash).toBe('SHA-1');
    expect(info.nonce).toBe(BigInt('1663507112663').toString(16).padStart(12, '0'));
    expect(info.genTime.toISOString()).toBe('2022-09-18T13:20:14.000Z');
    expect(cms.signers[0]!.digestAlgorithm.name).toBe('GOST34311-95');
    expect(cms.signers[0]!.signatureAlgorithm.oid).toBe('1.2.398.3.10.1.1.1.2');
    expect(isTimestampingCertificate(cms.certificates[0]!)).toBe(true);
    const v = await verifyTimestampToken(token, {
      data: Uint8Array.of(0xca, 0xfe, 0xba, 0xbe),
      nonce: info.nonce!,
    });
    expect(v.failures).toEqual([]);
    const other = await verifyTimestampToken(token, { data: Uint8Array.of(0xca, 0xfe) });
    expect(other.reason).toBe('imprint-mismatch');
  });

  itWith('tsp/ncanode_tsp_response_gost2004.bin', 'reads the TimeStampResp', () => {
    const res = parseTimestampResponse(readNcaFixture('tsp/ncanode_tsp_response_gost2004.bin'));
    expect(res.status).toBe('granted');
    expect(res.info?.serialNumber).toBe('5e846dd75d861154db10f13c54dc1f8d33fe6adc');
  });
});
