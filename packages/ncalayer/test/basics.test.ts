/**
 * `kz.gov.pki.knca.basics` `sign` end to end: the client drives the emulator over a real loopback
 * WebSocket, the emulator signs with key files of a PKI made for the test (RSA and GOST-2015), and
 * every signature is checked with verifyCms and, for RSA, with `openssl cms -verify` (CMS) and the
 * JDK's XMLDSig implementation (XML).
 */
import { createHash } from 'node:crypto';
import { inspectCertificate, NCA_OIDS, parseCms, streebog512, toBase64 } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNCALayerError } from '../src/errors.js';
import { type Harness, makeHarness } from './support/harness.js';
import { BIN, MANAGER_IIN, PERSON_IIN } from './support/test-pki.js';
import {
  hasOpenssl,
  javaVerifyXml,
  javaXmlVerifier,
  opensslVerifyCms,
  verifyCmsWith,
  xmlCryptoVerify,
} from './support/verify.js';

let h: Harness;
const text = 'Заявление №42: прошу выпустить ключи / application 42';
const bytes = new TextEncoder().encode(text);

beforeAll(async () => {
  h = await makeHarness();
});
afterAll(async () => {
  await h?.close();
});

const signedCount = () => h.events.filter((e) => e.type === 'signed').length;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('basics.sign, CMS, RSA keys', () => {
  it('attached over text: the person’s SIGN key (IIN filter), verifies with verifyCms and OpenSSL', async () => {
    // The person has an RSA and a GOST key of this IIN and picks the RSA one.
    h.person({ iin: PERSON_IIN, key: h.pki.files.personSign.name });
    const cms = await h.client.signCms({ data: text, iin: PERSON_IIN, allowTestKeys: true });
    expect(cms.pem).toMatch(/^-----BEGIN CMS-----\n/);
    expect(toBase64(cms.der)).toBe(cms.base64);
    const report = await verifyCmsWith(cms.der, [h.pki.rsaRoot.der]);
    expect(report).toMatchObject({ valid: true, detached: false });
    expect(report.signers[0]?.certificate).toMatchObject({ iin: PERSON_IIN, keyPurpose: 'sign' });
    expect(report.signers[0]?.signKey).toBe(true);
    expect(new TextDecoder().decode(parseCms(cms.der).content)).toBe(text);
    if (hasOpenssl()) {
      const o = opensslVerifyCms(cms.der, h.pki.rsaRoot.der);
      expect(o.ok, o.output).toBe(true);
      expect(o.extracted).toEqual(bytes);
    }
  });

  it('detached over bytes; the wrong content does not verify', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const doc = new Uint8Array(4096).map((_, i) => (i * 31) & 0xff);
    const cms = await h.client.signCms({ data: doc, detached: true, allowTestKeys: true });
    expect(parseCms(cms.der).content).toBeUndefined();
    expect((await verifyCmsWith(cms.der, [h.pki.rsaRoot.der], { content: doc })).valid).toBe(true);
    const wrong = doc.slice();
    wrong[0] = (wrong[0] ?? 0) ^ 1;
    expect((await verifyCmsWith(cms.der, [h.pki.rsaRoot.der], { content: wrong })).valid).toBe(false);
    if (hasOpenssl()) {
      const o = opensslVerifyCms(cms.der, h.pki.rsaRoot.der, doc);
      expect(o.ok, o.output).toBe(true);
      expect(opensslVerifyCms(cms.der, h.pki.rsaRoot.der, wrong).ok).toBe(false);
    }
  });

  it('over a digest (digested): a detached CMS that verifies against the document', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const digest = new Uint8Array(createHash('sha256').update(bytes).digest());
    const cms = await h.client.signCms({ data: digest, digested: true, allowTestKeys: true });
    expect(parseCms(cms.der).content).toBeUndefined();
    expect((await verifyCmsWith(cms.der, [h.pki.rsaRoot.der], { content: bytes })).valid).toBe(true);
    if (hasOpenssl()) expect(opensslVerifyCms(cms.der, h.pki.rsaRoot.der, bytes).ok).toBe(true);
  });

  it('several documents: one signature each, in order', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const docs = ['первый', 'второй', 'үшінші'];
    const signed = await h.client.signCms({ data: docs, allowTestKeys: true });
    expect(signed).toHaveLength(3);
    for (const [i, cms] of signed.entries()) {
      expect(new TextDecoder().decode(parseCms(cms.der).content)).toBe(docs[i]);
      expect((await verifyCmsWith(cms.der, [h.pki.rsaRoot.der])).valid).toBe(true);
    }
  });

  it('with a timestamp (tsaProfile): CAdES-T from the TSA, imprint over the signature', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const before = h.pki.tsaRequests();
    const cms = await h.client.signCms({ data: text, timestamp: true, allowTestKeys: true });
    expect(h.pki.tsaRequests()).toBe(before + 1);
    const report = await verifyCmsWith(cms.der, [h.pki.rsaRoot.der]);
    expect(report.valid).toBe(true);
    expect(report.signers[0]?.timestamp).toMatchObject({ valid: true });
    expect(report.signers[0]?.validationTimeSource).toBe('timestamp');
    if (hasOpenssl()) expect(opensslVerifyCms(cms.der, h.pki.rsaRoot.der).ok).toBe(true);
  });

  it('signWithFirstManagerKey: the first manager’s SIGN key of the BIN', async () => {
    h.person({ role: 'first-manager' });
    const cms = await h.client.signWithFirstManagerKey({ bin: BIN, data: text, allowTestKeys: true });
    const report = await verifyCmsWith(cms.der, [h.pki.rsaRoot.der]);
    expect(report.valid).toBe(true);
    const cert = report.signers[0]?.certificate;
    expect(cert).toMatchObject({ bin: BIN, iin: MANAGER_IIN, keyPurpose: 'sign' });
    expect(cert?.roles).toContain('first-manager');
  });

  it('signWithFirstManagerKey: a person who picks their individual key is refused (ERR_NO_KEY)', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const before = signedCount();
    const e = await rejection(
      h.client.signWithFirstManagerKey({ bin: BIN, data: text, allowTestKeys: true }),
    );
    expect(isNCALayerError(e, 'ERR_NO_KEY')).toBe(true);
    expect((e as Error).message).toContain(NCA_OIDS.role.firstManager);
    expect(signedCount()).toBe(before);
  });

  it('authenticate: an AUTH key signs the challenge', async () => {
    h.person({ iin: PERSON_IIN });
    const challenge = `login:${toBase64(new Uint8Array(16).fill(7))}`;
    const cms = await h.client.authenticate({ challenge, allowTestKeys: true });
    const report = await verifyCmsWith(cms.der, [h.pki.rsaRoot.der]);
    expect(report.valid).toBe(true);
    expect(report.signers[0]?.certificate?.keyPurpose).toBe('auth');
    expect(report.signers[0]?.signKey).toBe(false);
    expect(new TextDecoder().decode(parseCms(cms.der).content)).toBe(challenge);
  });

  it('without allowTestKeys only production-CA keys are admitted; named CAs admit their keys', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const e = await rejection(h.client.signCms({ data: text }));
    expect(isNCALayerError(e, 'ERR_NO_KEY')).toBe(true);
    expect((e as Error).message).toMatch(/production/);
    const ok = await h.client.signCms({ data: text, caCertificates: [h.pki.rsaRoot.pem] });
    expect((await verifyCmsWith(ok.der, [h.pki.rsaRoot.der])).valid).toBe(true);
    h.person({ key: h.pki.files.personSign.name });
    const other = await rejection(h.client.signCms({ data: text, caCertificates: [h.pki.gostRoot.der] }));
    expect(isNCALayerError(other, 'ERR_NO_KEY')).toBe(true);
  });

  it('the person cancels: ERR_USER_CANCELLED (NCALayer answers {status:true, body:{}})', async () => {
    h.person({ user: 'cancel' });
    const raw = await h.client.request({
      module: 'kz.gov.pki.knca.basics',
      method: 'sign',
      args: {
        format: 'cms',
        data: 'MTEK',
        signingParams: {},
        signerParams: { extKeyUsageOids: [], chain: [] },
      },
    });
    expect(raw).toEqual({ status: true, body: {} });
    const e = await rejection(h.client.signCms({ data: text, allowTestKeys: true }));
    expect(isNCALayerError(e, 'ERR_USER_CANCELLED')).toBe(true);
  });

  it('a wrong password: the emulated dialog refuses it, the person gives up, nothing is signed', async () => {
    h.person({ user: 'wrong-password', key: h.pki.files.personSign.name });
    const before = signedCount();
    const wrongBefore = h.events.filter((e) => e.type === 'wrong-password').length;
    const e = await rejection(h.client.signCms({ data: text, allowTestKeys: true }));
    expect(isNCALayerError(e, 'ERR_USER_CANCELLED')).toBe(true);
    expect(h.events.filter((x) => x.type === 'wrong-password')).toHaveLength(wrongBefore + 1);
    expect(signedCount()).toBe(before);
  });

  it('outputCert: {signatures, certificate} with the signer’s certificate', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const result = await h.client.basics.sign({
      format: 'cms',
      data: toBase64(bytes),
      signingParams: { decode: true, encapsulate: true, outputCert: true },
      signerParams: { extKeyUsageOids: [], chain: [] },
    });
    expect(typeof result === 'object' && !Array.isArray(result)).toBe(true);
    const r = result as { signatures: string; certificate: string };
    expect(inspectCertificate(r.certificate).serialNumber).toBe(h.pki.files.personSign.certificate.serialHex);
    expect(r.signatures).toMatch(/^-----BEGIN CMS-----/);
  });

  it('a signingParams that is not an object is refused as NCALayer refuses it (ERR_INVALID_ARGUMENT)', async () => {
    const raw = await h.client.request({
      module: 'kz.gov.pki.knca.basics',
      method: 'sign',
      args: {
        allowedStorages: null,
        format: 'cms',
        data: 'MTEK',
        signingParams: 555,
        signerParams: { extKeyUsageOids: [] },
        locale: 'ru',
      },
    });
    // The answer NCALayer gave to this request (recorded by the sigex ncalayer-js-client tests).
    expect(raw).toEqual({
      code: 'INVOCATION_ERROR',
      details: 'org.json.JSONException: JSONObject["signingParams"] is not a JSONObject.',
      message: 'An invoked method threw an exception.',
      status: false,
    });
    const e = await rejection(
      h.client.basics.sign({ format: 'cms', data: 'MTEK', signingParams: 555 as never }),
    );
    expect(isNCALayerError(e, 'ERR_INVALID_ARGUMENT')).toBe(true);
  });

  it('only tokens allowed: the emulator holds files only (ERR_NO_KEY)', async () => {
    h.person();
    const e = await rejection(
      h.client.signCms({ data: text, allowTestKeys: true, storages: ['AKKaztokenStore'] }),
    );
    expect(isNCALayerError(e, 'ERR_NO_KEY')).toBe(true);
  });
});

describe('basics.sign, CMS, GOST R 34.10-2015 keys', () => {
  it('attached: Streebog-512 and the KZ GOST-2015 signature, verified by verifyCms', async () => {
    h.person({ key: h.pki.files.gostSign.name });
    const cms = await h.client.signCms({ data: text, allowTestKeys: true });
    const report = await verifyCmsWith(cms.der, [h.pki.gostRoot.der]);
    expect(report.valid).toBe(true);
    expect(report.signers[0]).toMatchObject({
      digestAlgorithm: { oid: '1.2.398.3.10.1.3.3' },
      signatureAlgorithm: { oid: '1.2.398.3.10.1.1.2.3.2' },
    });
    expect((await verifyCmsWith(cms.der, [h.pki.rsaRoot.der])).valid).toBe(false);
  });

  it('over a Streebog-512 digest; a SHA-256 digest is refused', async () => {
    h.person({ key: h.pki.files.gostSign.name });
    const cms = await h.client.signCms({ data: streebog512(bytes), digested: true, allowTestKeys: true });
    expect((await verifyCmsWith(cms.der, [h.pki.gostRoot.der], { content: bytes })).valid).toBe(true);
    const sha = new Uint8Array(createHash('sha256').update(bytes).digest());
    const e = await rejection(h.client.signCms({ data: sha, digested: true, allowTestKeys: true }));
    expect(isNCALayerError(e)).toBe(true);
  });

  it('with a timestamp from the (RSA) TSA', async () => {
    h.person({ key: h.pki.files.gostSign.name });
    const cms = await h.client.signCms({ data: bytes, detached: true, timestamp: true, allowTestKeys: true });
    const report = await verifyCmsWith(cms.der, [h.pki.gostRoot.der], {
      content: bytes,
      tsaAnchors: [h.pki.rsaRoot.der],
    });
    expect(report.valid).toBe(true);
    expect(report.signers[0]?.timestamp?.valid).toBe(true);
  });
});

describe('basics.sign, XML', () => {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?><login><nonce>3f2a9c</nonce><site>kzpki.test</site></login>';

  it('RSA: enveloped XMLDSig, rsa-sha256 over C14N, verified by the JDK and xml-crypto; one document in, one out', async () => {
    h.person({ key: h.pki.files.personAuth.name });
    const signed = await h.client.signXml({ xml, purpose: 'auth', allowTestKeys: true });
    expect(typeof signed).toBe('string');
    expect(signed).toContain(
      '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>',
    );
    expect(signed).toContain('<nonce>3f2a9c</nonce>');
    expect(xmlCryptoVerify(signed)).toBe(true);
    expect(xmlCryptoVerify(signed.replace('3f2a9c', '3f2a9d'))).toBe(false);
    if (javaXmlVerifier().ok) {
      const j = javaVerifyXml(signed);
      expect(j.ok, j.output).toBe(true);
      expect(javaVerifyXml(signed.replace('3f2a9c', '3f2a9d')).ok).toBe(false);
    }
  });

  it('the digest of <tag>data</tag> is the one NCALayer answered for it', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const [signed] = await h.client.signXml({ xml: ['<tag>data</tag>'], allowTestKeys: true });
    // From a signXml answer of NCALayer (recorded in the sigex ncalayer-js-client tests).
    expect(signed).toContain('<ds:DigestValue>soDZFGIUsZ1x0sK/7x1bJvtGeQsO0BKOVwAvKxC3RJY=</ds:DigestValue>');
    expect(
      signed?.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="no"?><tag>data<ds:Signature'),
    ).toBe(true);
  });

  it('GOST-2015: the KZ URIs, Streebog-512 digest, signature verified with verifyGost', async () => {
    h.person({ key: h.pki.files.gostSign.name });
    const signed = await h.client.signXml({ xml, allowTestKeys: true });
    expect(signed).toContain(
      'Algorithm="urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34102015-gostr34112015-512"',
    );
    expect(signed).toContain(
      'Algorithm="urn:ietf:params:xml:ns:pkigovkz:xmlsec:algorithms:gostr34112015-512"',
    );
    expect(xmlCryptoVerify(signed)).toBe(true);
    expect(xmlCryptoVerify(signed.replace('kzpki.test', 'kzpki.tesT'))).toBe(false);
  });

  it('XML that does not parse: ERR_XML_INVALID', async () => {
    h.person();
    const e = await rejection(h.client.signXml({ xml: '<this>is not a valid XML', allowTestKeys: true }));
    expect(isNCALayerError(e, 'ERR_XML_INVALID')).toBe(true);
  });
});
