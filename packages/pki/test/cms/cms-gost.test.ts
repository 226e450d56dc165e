/**
 * GOST CMS as the NCA's software makes it: a GOST R 34.10-2015 (512) signer with a Streebog-512
 * messageDigest (docs/domain.md, GOST), RSA and GOST signers side by side, a GOST TSA under the
 * NCA's GOST-2015 policy with a Streebog-512 imprint, and GOST 34.310-2004 signatures of old
 * documents. Our GOST-2015 signatures are also checked by @wavesenterprise/crypto-gost-js, an
 * implementation nobody here wrote.
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeDigest } from '../../src/cms/digest.js';
import { NCA_TSA_POLICY_OIDS } from '../../src/cms/oids.js';
import { parseCms } from '../../src/cms/parse.js';
import { addCmsSigner, signCms } from '../../src/cms/sign.js';
import { addSignatureTimestamp } from '../../src/cms/timestamp.js';
import { verifyCms } from '../../src/cms/verify.js';
import { toHex } from '../../src/der/encoding.js';
import type { GostAlgorithmId } from '../../src/gost/algorithms.js';
import { decodeGostSpki } from '../../src/gost/encoding.js';
import { GostPrivateKey } from '../../src/gost/keys.js';
import { generateKeyPair } from '../../src/keys/keys.js';
import { rootCaProfile, templateProfile } from '../../src/profiles/templates.js';
import { prepareTimestampAuthority, tsaCertificateProfile } from '../../src/tsp/authority.js';
import { createTimestampRequest } from '../../src/tsp/request.js';
import { parseTimestampResponse } from '../../src/tsp/response.js';
import { parseTimestampToken } from '../../src/tsp/token.js';
import { type IssuedCertificate, issueCertificate } from '../../src/x509/issue.js';
import type { DistinguishedName } from '../../src/x509/name.js';
import { buildNcaSubject } from '../../src/x509/subject.js';

const require = createRequire(import.meta.url);
const lib = require('@wavesenterprise/crypto-gost-js') as {
  GostEngine: {
    getGostSign(alg: object): {
      verify(publicKey: Uint8Array, signature: Uint8Array, data: Uint8Array): boolean;
    };
    getGostDigest(alg: object): { digest(data: Uint8Array): ArrayBuffer };
  };
};
const libSign2015 = lib.GostEngine.getGostSign({
  name: 'GOST R 34.10',
  version: 2012,
  mode: 'SIGN',
  length: 512,
  namedCurve: 'T-512-A',
  hash: { name: 'GOST R 34.11', version: 2012, length: 512 },
});

const name = (cn: string): DistinguishedName => [
  { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
  { type: '2.5.4.3', value: cn },
];

interface Gost {
  key: GostPrivateKey;
  cert: IssuedCertificate;
}

let root: Gost;
let signer: Gost;
let old: Gost;
let tsa: Gost;
beforeAll(async () => {
  const rootKey = GostPrivateKey.generate('gost2015-512');
  const rootCert = await issueCertificate({
    publicKey: rootKey.publicKeyInfo,
    subject: name('KZPKI TEST ROOT (GOST)'),
    profile: rootCaProfile(),
    issuerKey: rootKey,
  });
  root = { key: rootKey, cert: rootCert };
  const leaf = async (
    id: GostAlgorithmId,
    subject: DistinguishedName,
    profile = templateProfile('first-manager', 'sign'),
  ) => {
    const key = GostPrivateKey.generate(id);
    const cert = await issueCertificate({
      publicKey: key.publicKeyInfo,
      subject,
      profile,
      issuer: rootCert.der,
      issuerKey: rootKey,
    });
    return { key, cert };
  };
  const person = buildNcaSubject({
    surname: 'Тестов',
    givenName: 'Тест',
    iin: '061211600012',
    bin: '940140000385',
    organization: 'АО "ТЕСТ"',
  });
  signer = await leaf('gost2015-512', person);
  old = await leaf('gost2004', person);
  tsa = await leaf('gost2015-512', name('KZPKI TEST TSA (GOST)'), tsaCertificateProfile());
});

const anchors = () => ({ trustAnchors: [root.cert.der], revocation: false as const });

describe('GOST R 34.10-2015 signers', () => {
  it('sign with Streebog-512 and the KZ signature OID; crypto-gost-js agrees', async () => {
    const content = new TextEncoder().encode('Құжат');
    const p7s = await signCms({ content, signers: { key: signer.key, certificate: signer.cert.der } });
    const cms = parseCms(p7s);
    const s = cms.signers[0]!;
    expect(cms.digestAlgorithms.map((d) => d.oid)).toEqual(['1.2.398.3.10.1.3.3']);
    expect(s.digestAlgorithm.name).toBe('STREEBOG-512');
    expect(s.signatureAlgorithm.oid).toBe('1.2.398.3.10.1.1.2.3.2');
    expect(s.signature).toHaveLength(128);
    const libDigest = new Uint8Array(
      lib.GostEngine.getGostDigest({ name: 'GOST R 34.11', version: 2012, length: 512 }).digest(
        content.slice(),
      ),
    );
    expect(toHex(s.messageDigest!)).toBe(toHex(libDigest));
    const publicKey = decodeGostSpki(signer.key.publicKeyInfo).publicKey;
    expect(libSign2015.verify(publicKey, s.signature.slice(), s.signedAttributes!.der.slice())).toBe(true);
    const report = await verifyCms(p7s, anchors());
    expect(report.valid).toBe(true);
    expect(report.signers[0]!.certificate?.keyAlgorithm).toBe('GOST-2015-512');
    expect(report.signers[0]!.certificate?.roles).toContain('first-manager');
    const tampered = await verifyCms(p7s, { ...anchors(), content: 'Құжат!' });
    expect(tampered.reason).toBe('digest-mismatch');
  });

  it('RSA and GOST signers side by side, the second added later', async () => {
    const rsaKeys = await generateKeyPair('RSA-2048');
    const rsaCert = await issueCertificate({
      publicKey: rsaKeys.publicKey,
      subject: buildNcaSubject({ surname: 'Тестов', givenName: 'Тест', iin: '871008401427' }),
      profile: templateProfile('individual', 'sign'),
      issuer: root.cert.der,
      issuerKey: root.key,
    });
    const one = await signCms({
      content: 'test123',
      signers: { key: signer.key, certificate: signer.cert.der },
    });
    const both = await addCmsSigner(one, { key: rsaKeys.privateKey, certificate: rsaCert.der });
    const cms = parseCms(both);
    expect(cms.digestAlgorithms.map((d) => d.oid).sort()).toEqual([
      '1.2.398.3.10.1.3.3',
      '2.16.840.1.101.3.4.2.1',
    ]);
    const report = await verifyCms(both, anchors());
    expect(report.valid).toBe(true);
    expect(report.signers.map((s) => s.digestAlgorithm.name)).toEqual(['STREEBOG-512', 'SHA-256']);
  });

  it('a GOST TSA under the NCA GOST-2015 policy with a Streebog-512 imprint (CAdES-T)', async () => {
    const authority = await prepareTimestampAuthority({
      key: tsa.key,
      certificate: tsa.cert.der,
      policy: NCA_TSA_POLICY_OIDS.gost2015,
    });
    const p7s = await signCms({ content: 'x', signers: { key: signer.key, certificate: signer.cert.der } });
    const stamped = await addSignatureTimestamp(p7s, {
      timestamp: async ({ hash, digest }) => {
        expect(hash).toBe('STREEBOG-512');
        const res = parseTimestampResponse(
          await authority.respond((await createTimestampRequest({ hash, digest })).der),
        );
        return res.token!;
      },
    });
    const report = await verifyCms(stamped, {
      ...anchors(),
      timestampPolicies: [NCA_TSA_POLICY_OIDS.gost2015],
    });
    expect(report.valid).toBe(true);
    const ts = report.signers[0]!.timestamp!;
    expect(ts.hash).toBe('STREEBOG-512');
    expect(ts.policy).toBe(NCA_TSA_POLICY_OIDS.gost2015);
    const stampedSigner = parseCms(stamped).signers[0]!;
    const token = parseTimestampToken(stampedSigner.timestampTokens[0]!);
    expect(token.cms.signers[0]!.signatureAlgorithm.oid).toBe('1.2.398.3.10.1.1.2.3.2');
    expect(toHex(token.info.imprint.digest)).toBe(
      toHex(await computeDigest('STREEBOG-512', stampedSigner.signature)),
    );
  });
});

describe('GOST 34.310-2004 (old documents)', () => {
  it('signs with GOST 34.311-95 (digest OID 1.2.398.3.10.1.3.1) and verifies', async () => {
    const p7s = await signCms({
      content: '2015 document',
      signers: { key: old.key, certificate: old.cert.der },
    });
    const s = parseCms(p7s).signers[0]!;
    expect(s.digestAlgorithm.oid).toBe('1.2.398.3.10.1.3.1');
    expect(s.signatureAlgorithm.oid).toBe('1.2.398.3.10.1.1.1.2');
    const report = await verifyCms(p7s, anchors());
    expect(report.valid).toBe(true);
    expect(report.signers[0]!.certificate?.keyAlgorithm).toBe('GOST-2004');
    expect((await verifyCms(p7s, { ...anchors(), content: '2016 document' })).reason).toBe('digest-mismatch');
  });
});
