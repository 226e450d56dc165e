import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCrl } from '../../src/crl/parse.js';
import { fromHex, toBase64, toBase64Url, toHex } from '../../src/der/encoding.js';
import { derExplicit, derInteger, derOctetString, derOid, derSequence } from '../../src/der/writer.js';
import {
  certIdKey,
  computeCertId,
  encodeCertId,
  type OcspCertId,
  prepareOcspIssuer,
} from '../../src/ocsp/cert-id.js';
import { decodeNonce, encodeNonceExtension, OCSP_NONCE_OID } from '../../src/ocsp/nonce.js';
import { createOcspRequest, parseOcspRequest } from '../../src/ocsp/request.js';
import {
  buildOcspErrorResponse,
  buildOcspResponse,
  encodeSingleResponse,
  type OcspResponseStatus,
  prepareOcspResponder,
} from '../../src/ocsp/response.js';
import { parseOcspResponse } from '../../src/ocsp/response-parse.js';
import { verifyOcspResponse } from '../../src/ocsp/verify.js';
import { makeTestCert, makeTestPki, type TestPki } from '../support/crl-ocsp-test-pki.js';

const strip = (id: OcspCertId) => ({
  hashAlgorithm: id.hashAlgorithm,
  issuerNameHash: id.issuerNameHash,
  issuerKeyHash: id.issuerKeyHash,
  serialHex: id.serialHex,
});
const cnOf = (name: { typesAndValues: Array<{ type: string; value: { valueBlock: { value: unknown } } }> }) =>
  name.typesAndValues.find((t) => t.type === '2.5.4.3')?.value.valueBlock.value;

describe.skipIf(!hasNcaFixtures())('NCA fixture OCSP responses', () => {
  const RSA = 'ocsp/ocsp__ocsp_response_individual_sign_2004.bin';
  const GOST = 'ocsp/ocsp__ocsp_response_ceo_2015_revoked.bin';
  const rsaCa = () => new TextDecoder().decode(readNcaFixture('ca-test/nca_rsa_test.crt'));

  it('RSA response: good, by-name responder, wrapped 8-octet nonce, responder certificate included', async () => {
    const res = parseOcspResponse(readNcaFixture(RSA));
    expect(res.status).toBe('successful');
    expect(res.responseType).toBe('1.3.6.1.5.5.7.48.1.1');
    expect(res.version).toBe(1);
    expect(res.producedAt).toEqual(new Date('2022-09-02T16:53:59Z'));
    expect(res.responderId?.type).toBe('byName');
    if (res.responderId?.type === 'byName') {
      expect(cnOf(res.responderId.name)).toBe('СЕРВИС ПРОВЕРКИ ОНЛАЙН СТАТУСА СЕРТИФИКАТА');
    }
    expect(res.responses).toHaveLength(1);
    const single = res.responses[0]!;
    expect(strip(single.certId)).toEqual({
      hashAlgorithm: 'SHA-256',
      issuerNameHash: '8a8da2cc54e144c7a78e916aa2dfc4cf1660105333a887c48ab649b01eeee62f',
      issuerKeyHash: 'e32738b58ca445a8bd66b1ff745547ff0f2fee8f5749ab9b3e4705d28dfde4a8',
      serialHex: '4279390a141f5353a62947b61ed65e81741467d1',
    });
    expect(single.status).toEqual({ type: 'good' });
    expect(single.thisUpdate).toEqual(new Date('2022-09-02T16:53:59Z'));
    expect(single.nextUpdate).toBeUndefined();
    // extnValue is 04 0a 04 08 <nonce>: the OCTET STRING-wrapped form.
    expect(toHex(res.nonce!)).toBe('b5e5c9b552cbcac4');
    expect(res.nonceEncoding).toBe('wrapped');
    expect(res.extendedRevoke).toBe(true);
    expect(res.signatureAlgorithm).toBe('1.2.840.113549.1.1.11');
    expect(res.certificates).toHaveLength(1);
    // Our CertID for that serial under the NCA RSA test CA is the one the NCA responder answered.
    const id = await computeCertId(rsaCa(), '4279390A141F5353A62947B61ED65E81741467D1', 'SHA-256');
    expect(id).toEqual(strip(single.certId));
  });

  it('RSA response verifies: delegated responder issued by the CA with OCSPSigning and ocsp-nocheck', async () => {
    const der = readNcaFixture(RSA);
    const at = new Date('2022-09-02T17:00:00Z');
    const ok = await verifyOcspResponse(der, { issuer: rsaCa(), at, nonce: fromHex('b5e5c9b552cbcac4') });
    expect(ok.failures).toEqual([]);
    expect(ok.valid).toBe(true);
    expect(ok.signer).toBe('delegated');
    expect(ok.signerNoCheck).toBe(true);
    expect(ok.signerCertificate).toEqual(ok.response.certificates[0]);
    // The responder certificate expired on 2023-03-25.
    const late = await verifyOcspResponse(der, { issuer: rsaCa(), at: new Date('2024-01-01T00:00:00Z') });
    expect(late.failures).toEqual(['responder-certificate-expired']);
    await expect(
      verifyOcspResponse(der, { issuer: rsaCa(), at, nonce: fromHex('b5e5c9b552cbcac5') }),
    ).rejects.toMatchObject({
      code: 'ERR_OCSP_NONCE_MISMATCH',
    });
    // Not the CA of that certificate: the responder is not authorized and the CertID is foreign.
    const other = await verifyOcspResponse(der, {
      issuer: readNcaFixture('ca-prod-2015-2018/nca_rsa.crt'),
      at,
    });
    expect(other.failures).toEqual(['responder-not-authorized', 'cert-id-mismatch']);
    // One flipped bit in the signed data (inside the CertID's issuerNameHash).
    const tampered = der.slice();
    const at200 = toHex(der).indexOf('8a8da2cc54e144c7') / 2;
    tampered[at200] = tampered[at200]! ^ 0x01;
    const bad = await verifyOcspResponse(tampered, { issuer: rsaCa(), at });
    expect(bad.failures).toContain('signature-invalid');
  });

  it('GOST response: revoked with certificateHold, matching the GOST 2022 CRL entry; verifies', async () => {
    const der = readNcaFixture(GOST);
    const res = parseOcspResponse(der);
    expect(res.status).toBe('successful');
    expect(res.producedAt).toEqual(new Date('2022-09-02T16:59:28Z'));
    expect(res.responderId?.type).toBe('byName');
    if (res.responderId?.type === 'byName') expect(cnOf(res.responderId.name)).toBe('OCSP RESPONDER');
    expect(res.signatureAlgorithm).toBe('1.2.398.3.10.1.1.2.3.2');
    expect(toHex(res.nonce!)).toBe('157b28fd1ac7761e');
    const single = res.responses[0]!;
    expect(single.status).toEqual({
      type: 'revoked',
      revocationTime: new Date('2022-07-27T10:25:30Z'),
      reason: 'certificateHold',
    });
    expect(single.certId.serialHex).toBe('3a90343e720594c55204b19cb9a402422ef0e622');
    const id = await computeCertId(
      readNcaFixture('ca-test/nca_gost2022_test.cer'),
      single.certId.serialHex,
      'SHA-256',
    );
    expect(id).toEqual(strip(single.certId));
    // The same certificate in the same CA's CRL: same time, same reason.
    const entry = parseCrl(readNcaFixture('crl/nca_gost2022_test.crl')).find(single.certId.serialHex);
    expect(entry?.revocationDate).toEqual(new Date('2022-07-27T10:25:30Z'));
    expect(entry?.reason).toBe('certificateHold');
    const verified = await verifyOcspResponse(der, {
      issuer: readNcaFixture('ca-test/nca_gost2022_test.cer'),
      at: res.producedAt!,
    });
    expect(verified.failures).toEqual([]);
    expect(verified).toMatchObject({ valid: true, signer: 'delegated' });
  });
});

describe('OCSP nonce encodings', () => {
  it('reads the wrapped and the raw form, and re-encodes each octet for octet', () => {
    expect(decodeNonce(fromHex('0408b5e5c9b552cbcac4'))).toEqual({
      value: fromHex('b5e5c9b552cbcac4'),
      encoding: 'wrapped',
    });
    expect(decodeNonce(fromHex('b5e5c9b552cbcac4'))).toEqual({
      value: fromHex('b5e5c9b552cbcac4'),
      encoding: 'raw',
    });
    // Looks like an OCTET STRING header but the length does not fit: raw.
    expect(decodeNonce(fromHex('0409b5e5c9b552cbcac4')).encoding).toBe('raw');
    const long = new Uint8Array(200).fill(7);
    expect(decodeNonce(derOctetString(long))).toEqual({ value: long, encoding: 'wrapped' });
    for (const hex of ['0408b5e5c9b552cbcac4', 'b5e5c9b552cbcac4', '0409b5e5c9b552cbcac4']) {
      const { value, encoding } = decodeNonce(fromHex(hex));
      const ext = encodeNonceExtension(value, encoding);
      expect(toHex(ext)).toBe(toHex(derSequence(derOid(OCSP_NONCE_OID), derOctetString(fromHex(hex)))));
    }
  });
});

describe('OCSP requests', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await makeTestPki('ECDSA-P256');
  });

  it('creates a SHA-1 request with an 8-octet nonce by default and parses it back', async () => {
    const req = await createOcspRequest({ certificate: pki.leaf.pem, issuer: pki.ca.pem });
    expect(req.nonce).toHaveLength(8);
    const info = parseOcspRequest(req.der);
    expect(info.version).toBe(1);
    expect(info.signed).toBe(false);
    expect(info.certIds.map(strip)).toEqual(req.certIds.map(strip));
    expect(info.certIds[0]?.hashAlgorithm).toBe('SHA-1');
    expect(info.certIds[0]?.issuerNameHash).toHaveLength(40);
    expect(info.certIds[0]?.serialHex).toBe(pki.leaf.serialHex);
    expect(info.nonce).toEqual(req.nonce);
    expect(info.nonceEncoding).toBe('wrapped');
    expect(info.extensions).toEqual([{ oid: OCSP_NONCE_OID, critical: false }]);
    expect(toHex(encodeCertId(info.certIds[0]!))).toBe(toHex(encodeCertId(strip(info.certIds[0]!))));
  });

  it('asks about several certificates with SHA-256, with a given nonce or none', async () => {
    const req = await createOcspRequest({
      certificates: [
        { certificate: pki.leaf.der, issuer: pki.ca.der },
        { certificate: pki.leaf2.der, issuer: pki.ca.der },
      ],
      hash: 'SHA-256',
      nonce: fromHex('0102030405060708090a0b0c0d0e0f10'),
    });
    const info = parseOcspRequest(req.der);
    expect(info.certIds.map((c) => c.serialHex)).toEqual([pki.leaf.serialHex, pki.leaf2.serialHex]);
    expect(info.certIds.every((c) => c.hashAlgorithm === 'SHA-256' && c.issuerKeyHash.length === 64)).toBe(
      true,
    );
    expect(toHex(info.nonce!)).toBe('0102030405060708090a0b0c0d0e0f10');
    const noNonce = await createOcspRequest({ certificate: pki.leaf.der, issuer: pki.ca.der, nonce: false });
    expect(noNonce.nonce).toBeUndefined();
    expect(parseOcspRequest(noNonce.der).nonce).toBeUndefined();
    expect(parseOcspRequest(noNonce.der).extensions).toEqual([]);
  });

  it('reads the base64 path segment of an RFC 5019 GET request, URL-encoded or not', async () => {
    const req = await createOcspRequest({ certificate: pki.leaf.der, issuer: pki.ca.der, hash: 'SHA-256' });
    const b64 = toBase64(req.der);
    for (const text of [b64, encodeURIComponent(b64), toBase64Url(req.der)]) {
      const info = parseOcspRequest(text);
      expect(info.certIds[0]?.serialHex).toBe(pki.leaf.serialHex);
      expect(info.nonce).toEqual(req.nonce);
    }
    for (const bad of ['%E0%A4%A', `${b64}%`, '!!!']) {
      expect(() => parseOcspRequest(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_OCSP_REQUEST_INVALID' }),
      );
    }
  });

  it('computeCertId and prepareOcspIssuer agree with the request and match only this issuer', async () => {
    const req = await createOcspRequest({ certificate: pki.leaf.der, issuer: pki.ca.der, hash: 'SHA-256' });
    const parsed = parseOcspRequest(req.der).certIds[0]!;
    const computed = await computeCertId(pki.ca.der, pki.leaf.serialHex.toUpperCase(), 'SHA-256');
    expect(certIdKey(parsed)).toBe(certIdKey(computed));
    const issuer = await prepareOcspIssuer(pki.ca.pem);
    expect(issuer.matches(parsed)).toBe(true);
    expect(issuer.matches({ ...parsed, issuerKeyHash: '00'.repeat(32) })).toBe(false);
    expect(issuer.matches({ ...parsed, hashAlgorithm: '1.2.3.4' })).toBe(false);
    const otherCa = await prepareOcspIssuer(pki.leaf.der);
    expect(otherCa.matches(parsed)).toBe(false);
  });

  it('rejects a certificate that the given issuer did not issue', async () => {
    await expect(
      createOcspRequest({ certificate: pki.leaf.der, issuer: pki.leaf2.der }),
    ).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(createOcspRequest({})).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    await expect(
      createOcspRequest({ certificate: pki.leaf.der, issuer: pki.ca.der, nonce: new Uint8Array(0) }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('rejects malformed requests with ERR_OCSP_REQUEST_INVALID', async () => {
    const id = encodeCertId(await computeCertId(pki.ca.der, '01'));
    const request = derSequence(id);
    const v = (n: number) => derExplicit(0, derInteger(n));
    const cases: Record<string, Uint8Array | string> = {
      empty: new Uint8Array(0),
      garbage: fromHex('deadbeef'),
      text: 'hello',
      'wrong version': derSequence(derSequence(v(1), derSequence(request))),
      'empty request list': derSequence(derSequence(derSequence())),
      'no request list': derSequence(derSequence()),
      'trailing bytes': Uint8Array.of(...derSequence(derSequence(derSequence(request))), 0),
      'CertID without serial': derSequence(
        derSequence(derSequence(derSequence(id.subarray(0, id.length - 3)))),
      ),
      'duplicate nonce': derSequence(
        derSequence(
          derSequence(request),
          derExplicit(
            2,
            derSequence(encodeNonceExtension(fromHex('01')), encodeNonceExtension(fromHex('02'))),
          ),
        ),
      ),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      expect(() => parseOcspRequest(bytes), name).toThrow(
        expect.objectContaining({ code: 'ERR_OCSP_REQUEST_INVALID' }),
      );
    }
    // An explicit v1 and a requestor name are fine.
    const explicitV1 = derSequence(derSequence(v(0), derSequence(request)));
    expect(parseOcspRequest(explicitV1).certIds).toHaveLength(1);
  });

  it('reads a raw (not wrapped) nonce and echoes it octet for octet', async () => {
    const raw = fromHex('a1a2a3a4a5a6a7a8');
    const id = encodeCertId(await computeCertId(pki.ca.der, pki.leaf.serialHex));
    const der = derSequence(
      derSequence(
        derSequence(derSequence(id)),
        derExplicit(2, derSequence(derSequence(derOid(OCSP_NONCE_OID), derOctetString(raw)))),
      ),
    );
    const req = parseOcspRequest(der);
    expect(req.nonce).toEqual(raw);
    expect(req.nonceEncoding).toBe('raw');
    const res = await buildOcspResponse({
      responderCertificate: pki.responder.der,
      responderKey: pki.responder.keys.privateKey,
      responses: [{ certId: req.certIds[0]!, status: { type: 'good' }, thisUpdate: new Date() }],
      nonce: req.nonce,
      nonceEncoding: req.nonceEncoding,
    });
    expect(toHex(res)).toContain(toHex(derSequence(derOid(OCSP_NONCE_OID), derOctetString(raw))));
    const parsed = parseOcspResponse(res);
    expect(parsed.nonce).toEqual(raw);
    expect(parsed.nonceEncoding).toBe('raw');
    // ECDSA P-256 responder: the signature is DER Ecdsa-Sig-Value and verifies.
    expect(parsed.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
    const v = await verifyOcspResponse(res, { issuer: pki.ca.der, nonce: raw });
    expect(v.failures).toEqual([]);
  });
});

describe('OCSP responses', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await makeTestPki();
  });

  async function ask(...certs: Array<typeof pki.leaf>) {
    return createOcspRequest({
      certificates: certs.map((c) => ({ certificate: c.der, issuer: pki.ca.der })),
      hash: 'SHA-256',
    });
  }

  it('signs good / revoked / unknown answers by key hash and echoes the nonce; they verify', async () => {
    const req = await ask(pki.leaf, pki.leaf2, pki.responder);
    const info = parseOcspRequest(req.der);
    const thisUpdate = new Date(Math.floor(Date.now() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + 3_600_000);
    const producedAt = new Date(thisUpdate.getTime() + 1000);
    const der = await buildOcspResponse({
      responderCertificate: pki.responder.pem,
      responderKey: pki.responder.keys.privateKey,
      responses: [
        { certId: info.certIds[0]!, status: { type: 'good' }, thisUpdate, nextUpdate },
        {
          certId: info.certIds[1]!,
          status: {
            type: 'revoked',
            revocationTime: new Date('2026-01-02T03:04:05Z'),
            reason: 'keyCompromise',
          },
          thisUpdate,
        },
        { certId: info.certIds[2]!, status: { type: 'unknown' }, thisUpdate },
      ],
      nonce: info.nonce,
      nonceEncoding: info.nonceEncoding,
      producedAt,
    });
    const res = parseOcspResponse(der);
    expect(res.status).toBe('successful');
    expect(res.producedAt).toEqual(producedAt);
    const keyHash = toHex(
      new Uint8Array(
        await crypto.subtle.digest(
          'SHA-1',
          pki.responder.cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView as BufferSource,
        ),
      ),
    );
    expect(res.responderId).toEqual({ type: 'byKey', keyHash });
    expect(res.responses.map((r) => r.status)).toEqual([
      { type: 'good' },
      { type: 'revoked', revocationTime: new Date('2026-01-02T03:04:05Z'), reason: 'keyCompromise' },
      { type: 'unknown' },
    ]);
    expect(res.responses[0]?.nextUpdate).toEqual(nextUpdate);
    expect(res.responses.map((r) => toHex(r.certId.der!))).toEqual(info.certIds.map((c) => toHex(c.der!)));
    expect(res.nonce).toEqual(req.nonce);
    expect(res.certificates).toEqual([pki.responder.der]);
    const v = await verifyOcspResponse(der, { issuer: pki.ca.pem, nonce: req.nonce, certIds: req.certIds });
    expect(v.failures).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.signer).toBe('delegated');
    expect(v.signerNoCheck).toBe(true);
  });

  it('names the responder by name on request, and a CA may sign its own responses', async () => {
    const req = await ask(pki.leaf);
    const der = await buildOcspResponse({
      responderCertificate: pki.ca.der,
      responderKey: pki.ca.keys.privateKey,
      responderId: 'byName',
      includeResponderCertificate: false,
      responses: [{ certId: req.certIds[0]!, status: { type: 'good' }, thisUpdate: new Date() }],
    });
    const res = parseOcspResponse(der);
    expect(res.responderId?.type).toBe('byName');
    if (res.responderId?.type === 'byName')
      expect(toHex(res.responderId.nameDer)).toBe(toHex(pki.ca.cert.subject.toSchema().toBER(false)));
    expect(res.certificates).toEqual([]);
    expect(res.nonce).toBeUndefined();
    const v = await verifyOcspResponse(der, { issuer: pki.ca.der, certIds: req.certIds });
    expect(v.valid).toBe(true);
    expect(v.signer).toBe('issuer');
  });

  it('reports unauthorized, missing and misbehaving responders', async () => {
    const req = await ask(pki.leaf);
    const responses = [
      { certId: req.certIds[0]!, status: { type: 'good' as const }, thisUpdate: new Date() },
    ];
    // A certificate of the CA without EKU OCSPSigning.
    const plain = await buildOcspResponse({
      responderCertificate: pki.leaf.der,
      responderKey: pki.leaf.keys.privateKey,
      responses,
    });
    expect((await verifyOcspResponse(plain, { issuer: pki.ca.der })).failures).toEqual([
      'responder-not-authorized',
    ]);
    // An OCSPSigning certificate from another CA.
    const otherCa = await makeTestCert({ cn: 'Other CA', ca: true });
    const foreign = await makeTestCert({ cn: 'Foreign responder', issuer: otherCa, ocspSigning: true });
    const f = await buildOcspResponse({
      responderCertificate: foreign.der,
      responderKey: foreign.keys.privateKey,
      responses,
    });
    expect((await verifyOcspResponse(f, { issuer: pki.ca.der })).failures).toEqual([
      'responder-not-authorized',
    ]);
    // Responder certificate left out: found only when given out of band.
    const bare = await buildOcspResponse({
      responderCertificate: pki.responder.der,
      responderKey: pki.responder.keys.privateKey,
      includeResponderCertificate: false,
      responses,
    });
    expect((await verifyOcspResponse(bare, { issuer: pki.ca.der })).failures).toEqual([
      'responder-not-found',
    ]);
    expect(
      (await verifyOcspResponse(bare, { issuer: pki.ca.der, responderCertificate: pki.responder.pem })).valid,
    ).toBe(true);
    // Signed with a key that is not the responder certificate's.
    const wrongKey = await buildOcspResponse({
      responderCertificate: pki.responder.der,
      responderKey: pki.leaf.keys.privateKey,
      responses,
    });
    expect((await verifyOcspResponse(wrongKey, { issuer: pki.ca.der })).failures).toEqual([
      'signature-invalid',
    ]);
  });

  it('reports foreign or missing CertIDs and stale or future answers', async () => {
    const req = await ask(pki.leaf, pki.leaf2);
    const responder = await prepareOcspResponder({
      responderCertificate: pki.responder.der,
      responderKey: pki.responder.keys.privateKey,
    });
    const now = Date.now();
    const one = await responder.sign({
      responses: [{ certId: req.certIds[0]!, status: { type: 'good' }, thisUpdate: new Date(now) }],
    });
    expect((await verifyOcspResponse(one, { issuer: pki.ca.der, certIds: req.certIds })).failures).toEqual([
      'cert-id-mismatch',
    ]);
    const foreignId = await computeCertId(pki.leaf.der, '01', 'SHA-256');
    const foreign = await responder.sign({
      responses: [{ certId: foreignId, status: { type: 'good' }, thisUpdate: new Date(now) }],
    });
    expect((await verifyOcspResponse(foreign, { issuer: pki.ca.der })).failures).toEqual([
      'cert-id-mismatch',
    ]);
    const stale = await responder.sign({
      responses: [
        {
          certId: req.certIds[0]!,
          status: { type: 'good' },
          thisUpdate: new Date(now - 2_400_000),
          nextUpdate: new Date(now - 1_200_000),
        },
      ],
    });
    expect((await verifyOcspResponse(stale, { issuer: pki.ca.der })).failures).toEqual(['expired']);
    expect(
      (await verifyOcspResponse(stale, { issuer: pki.ca.der, at: new Date(now - 1_800_000) })).valid,
    ).toBe(true);
    const future = await responder.sign({
      responses: [
        { certId: req.certIds[0]!, status: { type: 'good' }, thisUpdate: new Date(now + 3_600_000) },
      ],
    });
    expect((await verifyOcspResponse(future, { issuer: pki.ca.der })).failures).toEqual(['not-yet-valid']);
    // A nonce was sent but none came back.
    await expect(
      verifyOcspResponse(one, { issuer: pki.ca.der, nonce: fromHex('0102') }),
    ).rejects.toMatchObject({
      code: 'ERR_OCSP_NONCE_MISMATCH',
    });
  });

  it('the prepared responder signs the same bytes as buildOcspResponse for the same input', async () => {
    const req = await ask(pki.leaf);
    const content = {
      responses: [
        {
          certId: req.certIds[0]!,
          status: { type: 'good' as const },
          thisUpdate: new Date('2026-05-01T00:00:00Z'),
        },
      ],
      producedAt: new Date('2026-05-01T00:00:01Z'),
    };
    const responder = await prepareOcspResponder({
      responderCertificate: pki.responder.der,
      responderKey: pki.responder.keys.privateKey,
    });
    // RSASSA-PKCS1-v1_5 is deterministic, so the whole response is.
    const a = await responder.sign(content);
    const b = await buildOcspResponse({
      responderCertificate: pki.responder.der,
      responderKey: pki.responder.keys.privateKey,
      ...content,
    });
    expect(toHex(a)).toBe(toHex(b));
    expect(toHex(a)).toContain(toHex(encodeSingleResponse(content.responses[0]!)));
  });

  it('builds unsigned error responses that parse back and never verify', async () => {
    for (const status of [
      'malformedRequest',
      'internalError',
      'tryLater',
      'sigRequired',
      'unauthorized',
    ] as const) {
      const der = buildOcspErrorResponse(status);
      const res = parseOcspResponse(der);
      expect(res.status).toBe(status);
      expect(res.responses).toEqual([]);
      const v = await verifyOcspResponse(der, { issuer: pki.ca.der });
      expect(v.failures).toEqual(['not-successful']);
    }
    expect(toHex(buildOcspErrorResponse('malformedRequest'))).toBe('30030a0101');
    expect(toHex(buildOcspErrorResponse('unauthorized'))).toBe('30030a0106');
    for (const bad of ['successful', 'bogus', 'toString']) {
      expect(() => buildOcspErrorResponse(bad as Exclude<OcspResponseStatus, 'successful'>)).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
      );
    }
  });

  it('rejects bad response input with ERR_INVALID_ARGUMENT', async () => {
    const req = await ask(pki.leaf);
    const base = { responderCertificate: pki.responder.der, responderKey: pki.responder.keys.privateKey };
    const id = req.certIds[0]!;
    const bad = [
      { ...base, responses: [] },
      { ...base, responses: [{ certId: id, status: { type: 'weird' }, thisUpdate: new Date() }] },
      { ...base, responses: [{ certId: id, status: { type: 'good' }, thisUpdate: new Date(Number.NaN) }] },
      {
        ...base,
        responses: [{ certId: id, status: { type: 'revoked', revocationTime: new Date(), reason: 'nope' } }],
      },
      {
        ...base,
        responderId: 'byMagic',
        responses: [{ certId: id, status: { type: 'good' }, thisUpdate: new Date() }],
      },
      {
        ...base,
        responderKey: pki.responder.keys.publicKey,
        responses: [{ certId: id, status: { type: 'good' }, thisUpdate: new Date() }],
      },
    ];
    for (const opts of bad) {
      await expect(
        buildOcspResponse(opts as unknown as Parameters<typeof buildOcspResponse>[0]),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    }
  });

  it('rejects malformed responses with ERR_OCSP_RESPONSE_INVALID', () => {
    for (const bad of [
      new Uint8Array(0),
      fromHex('3000'),
      fromHex('30030a0107'),
      fromHex('30030a0100'),
      fromHex('30050a0100a000'),
      'nope',
    ]) {
      expect(() => parseOcspResponse(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_OCSP_RESPONSE_INVALID' }),
      );
    }
  });
});
