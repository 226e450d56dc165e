/**
 * The SoftwareSigningKey extension point (how GOST keys will sign): a key implemented outside
 * WebCrypto — here ECDSA P-256 by @noble/curves, an implementation we did not write — signs a CSR,
 * certificates, a CRL and an OCSP response through the same paths as WebCrypto keys, and the
 * results verify with WebCrypto and with OpenSSL.
 */

import { hasNcaFixtures, hasTool, readNcaFixture, runTool, tempDir } from '@kzpki/test-fixtures';
import { p256 } from '@noble/curves/nist';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCrl } from '../../src/crl/build.js';
import { verifyCrl } from '../../src/crl/verify.js';
import { createCsr, verifyCsr } from '../../src/csr/csr.js';
import { toDer, toHex, toPem } from '../../src/der/encoding.js';
import { derBitString, derOid, derSequence } from '../../src/der/writer.js';
import { isPkiError, type PkiErrorCode } from '../../src/errors.js';
import { KEY_ALGORITHM_OIDS } from '../../src/keys/key-algorithm.js';
import { exportSpki, generateKeyPair } from '../../src/keys/keys.js';
import { createOcspRequest } from '../../src/ocsp/request.js';
import { prepareOcspResponder } from '../../src/ocsp/response.js';
import { verifyOcspResponse } from '../../src/ocsp/verify.js';
import { rootCaProfile, templateProfile } from '../../src/profiles/templates.js';
import { SIGNATURE_OIDS } from '../../src/signature/algorithms.js';
import { prepareSigner, type SoftwareSigningKey, signData } from '../../src/signature/sign.js';
import { verifySignature } from '../../src/signature/verify.js';
import { readCertificateFields } from '../../src/x509/certificate-fields.js';
import { verifyChain } from '../../src/x509/chain.js';
import { type IssuedCertificate, issueCertificate } from '../../src/x509/issue.js';
import { buildNcaSubject } from '../../src/x509/subject.js';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<PkiErrorCode | 'none'> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'none';
  } catch (e) {
    if (isPkiError(e)) return e.code;
    throw e;
  }
}

/** ECDSA P-256 with SHA-256 in pure TypeScript (noble), as a SoftwareSigningKey. */
function nobleKey(): SoftwareSigningKey {
  const secret = p256.utils.randomSecretKey();
  const point = p256.getPublicKey(secret, false);
  return {
    type: 'private',
    software: true,
    signatureAlgorithm: SIGNATURE_OIDS.ecdsaWithSHA256,
    publicKeyInfo: derSequence(
      derSequence(derOid(KEY_ALGORITHM_OIDS.ecPublicKey), derOid(KEY_ALGORITHM_OIDS.secp256r1)),
      derBitString(point),
    ),
    sign: (data) => p256.sign(data, secret, { prehash: true }).toDERRawBytes(),
  };
}

describe('a SoftwareSigningKey signs everything a WebCrypto key signs', () => {
  const key = nobleKey();
  let root: IssuedCertificate;
  let leaf: IssuedCertificate;

  beforeAll(async () => {
    root = await issueCertificate({
      publicKey: key.publicKeyInfo,
      subject: [{ type: '2.5.4.3', value: 'kzpki software root' }],
      profile: rootCaProfile(),
      issuerKey: key,
    });
    const subjectKeys = await generateKeyPair('ECDSA-P384');
    leaf = await issueCertificate({
      publicKey: subjectKeys.publicKey,
      subject: [{ type: '2.5.4.3', value: 'leaf' }],
      profile: templateProfile('individual', 'auth'),
      issuer: root.der,
      issuerKey: key,
    });
  });

  it('signData and prepareSigner: the algorithm the key names, a signature WebCrypto verifies', async () => {
    const signer = prepareSigner(key);
    expect(signer.oid).toBe(SIGNATURE_OIDS.ecdsaWithSHA256);
    expect(toHex(signer.algorithmIdentifier)).toBe('300a06082a8648ce3d040302');
    const data = new TextEncoder().encode('challenge');
    const signature = await signData(key, data);
    const input = { data, signature, algorithm: signer.oid, publicKeyInfo: key.publicKeyInfo };
    expect(await verifySignature(input)).toBe(true);
    expect(await verifySignature({ ...input, data: new TextEncoder().encode('other') })).toBe(false);
  });

  it('certificates: a self-signed root and a leaf that verifyChain accepts', async () => {
    expect(readCertificateFields(root.der).signatureAlgorithm).toEqual(
      prepareSigner(key).algorithmIdentifier,
    );
    const r = await verifyChain({ certificate: leaf.der, trustAnchors: [root.der] });
    expect(r.valid).toBe(true);
  });

  it('a CSR (the public key comes from the software key)', async () => {
    const der = await createCsr({
      keys: { privateKey: key },
      subject: buildNcaSubject({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ', iin: '850315300128' }),
      template: 'individual',
      purpose: 'auth',
    });
    const csr = await verifyCsr(der);
    expect(csr.signatureAlgorithm).toBe(SIGNATURE_OIDS.ecdsaWithSHA256);
    expect(csr.spki).toEqual(key.publicKeyInfo);
    expect(csr.keyAlgorithm).toBe('ECDSA-P256');
  });

  it('a CRL and an OCSP response', async () => {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    const crl = await buildCrl({
      issuer: root.der,
      issuerKey: key,
      crlNumber: 1n,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + 86_400_000),
      entries: [{ serial: leaf.serialHex, revocationDate: now, reason: 'keyCompromise' }],
    });
    expect(await verifyCrl(crl, root.der)).toBe(true);

    const request = await createOcspRequest({ certificate: leaf.der, issuer: root.der });
    const responder = await prepareOcspResponder({ responderCertificate: root.der, responderKey: key });
    const response = await responder.sign({
      responses: [{ certId: request.certIds[0]!, status: { type: 'good' }, thisUpdate: now }],
      ...(request.nonce ? { nonce: request.nonce } : {}),
    });
    const result = await verifyOcspResponse(response, {
      issuer: root.der,
      certIds: request.certIds,
      ...(request.nonce ? { nonce: request.nonce } : {}),
    });
    expect(result).toMatchObject({ valid: true, signer: 'issuer' });
  });

  describe.skipIf(!hasTool('openssl'))('checked by OpenSSL', () => {
    const tmp = tempDir('kzpki-software-key-');
    afterAll(() => tmp.dispose());

    it('openssl verify accepts the chain', () => {
      const rootPath = tmp.write('root.pem', toPem(root.der, 'CERTIFICATE'));
      const leafPath = tmp.write('leaf.pem', toPem(leaf.der, 'CERTIFICATE'));
      const r = runTool('openssl', ['verify', '-x509_strict', '-CAfile', rootPath, leafPath]);
      expect(r.stdout + r.stderr).toContain(': OK');
    });
  });
});

describe('malformed SoftwareSigningKeys are refused with typed errors', () => {
  const base = nobleKey();

  it('an algorithm the package does not know, or a public key of another family', async () => {
    expect(await codeOf(() => prepareSigner({ ...base, signatureAlgorithm: SIGNATURE_OIDS.ed25519 }))).toBe(
      'ERR_UNSUPPORTED_ALGORITHM',
    );
    const rsa = await exportSpki((await generateKeyPair('RSA-2048')).publicKey);
    expect(await codeOf(() => prepareSigner({ ...base, publicKeyInfo: rsa }))).toBe('ERR_KEY_INVALID');
    expect(await codeOf(() => prepareSigner({ ...base, publicKeyInfo: Uint8Array.of(1, 2, 3) }))).toBe(
      'ERR_KEY_INVALID',
    );
    expect(
      await codeOf(() => prepareSigner({ ...base, type: 'public' } as unknown as SoftwareSigningKey)),
    ).toBe('ERR_INVALID_ARGUMENT');
  });

  it('a key whose sign() fails or returns no bytes', async () => {
    const data = Uint8Array.of(1);
    const throwing: SoftwareSigningKey = {
      ...base,
      sign: () => {
        throw new Error('token removed');
      },
    };
    expect(await codeOf(signData(throwing, data))).toBe('ERR_KEY_INVALID');
    const empty: SoftwareSigningKey = { ...base, sign: async () => new Uint8Array(0) };
    expect(await codeOf(signData(empty, data))).toBe('ERR_KEY_INVALID');
  });

  it.skipIf(!hasNcaFixtures())('a GOST key gets the NCA GOST AlgorithmIdentifier (NULL parameters)', () => {
    const spki = readCertificateFields(
      toDer(new TextDecoder().decode(readNcaFixture('ee-test/gost2015_individual_2026.pem')), 'CERTIFICATE'),
    ).spki;
    const signer = prepareSigner({
      ...base,
      signatureAlgorithm: SIGNATURE_OIDS.gost2015_512,
      publicKeyInfo: spki.slice(),
    });
    expect(toHex(signer.algorithmIdentifier)).toBe('300e060a2a830e030a01010203020500');
    expect(signer.algorithm.family).toBe('gost-2015-512');
  });
});
