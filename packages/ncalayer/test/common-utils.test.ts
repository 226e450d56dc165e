/**
 * `kz.gov.pki.knca.commonUtils` end to end through the client and the emulator: every method, RSA
 * and GOST keys, cancel, wrong password, and NCALayer's argument errors; signatures checked with
 * verifyCms, `openssl cms -verify` (RSA) and the JDK's XMLDSig (RSA XML).
 */
import { createHash } from 'node:crypto';
import { certificatePublicKeyInfo, inspectCertificate, parseCms, streebog512, toBase64 } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNCALayerError } from '../src/errors.js';
import { type Harness, makeHarness } from './support/harness.js';
import { PERSON_IIN } from './support/test-pki.js';
import {
  hasOpenssl,
  javaVerifyXml,
  javaXmlVerifier,
  opensslVerifyCms,
  verifyCmsWith,
  xmlCryptoVerify,
} from './support/verify.js';

let h: Harness;
const doc = new TextEncoder().encode('Шарт №7 / contract 7');

beforeAll(async () => {
  h = await makeHarness();
});
afterAll(async () => {
  await h?.close();
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

const cu = 'kz.gov.pki.knca.commonUtils';

describe('commonUtils', () => {
  it('getActiveTokens: the token storages present (none in the emulator)', async () => {
    expect(await h.client.commonUtils.getActiveTokens()).toEqual([]);
    expect(await h.client.request({ module: cu, method: 'getActiveTokens' })).toEqual({
      code: '200',
      responseObject: [],
    });
  });

  it('getKeyInfo: the chosen key’s certificate, described, with its PEM', async () => {
    h.person({ key: h.pki.files.personAuth.name });
    const info = await h.client.commonUtils.getKeyInfo('PKCS12');
    const cert = h.pki.files.personAuth.certificate;
    expect(inspectCertificate(info.pem).serialNumber).toBe(cert.serialHex);
    expect(certificatePublicKeyInfo(info.pem)).toEqual(certificatePublicKeyInfo(cert.der));
    expect(info).toMatchObject({
      alias: cert.subjectKeyId,
      keyId: cert.subjectKeyId,
      algorithm: 'RSA',
      serialNumber: cert.serialHex,
      subjectCn: 'ТЕСТОВ ТЕСТ',
      issuerCn: 'KZPKI NCALAYER TEST CA (RSA)',
      certNotBefore: String(cert.notBefore.getTime()),
      certNotAfter: String(cert.notAfter.getTime()),
    });
    expect(info.subjectDn).toContain(`SERIALNUMBER=IIN${PERSON_IIN}`);
  });

  it('createCAdESFromBase64: attached and detached, base64 DER answers, SIGNATURE keys', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const attached = await h.client.commonUtils.createCAdESFromBase64('PKCS12', doc, { attach: true });
    expect(new Uint8Array(parseCms(attached.der).content ?? [])).toEqual(doc);
    const a = await verifyCmsWith(attached.der, [h.pki.rsaRoot.der]);
    expect(a.valid).toBe(true);
    expect(a.signers[0]?.certificate?.keyPurpose).toBe('sign');
    const detached = await h.client.commonUtils.createCAdESFromBase64('PKCS12', toBase64(doc));
    expect(parseCms(detached.der).content).toBeUndefined();
    expect((await verifyCmsWith(detached.der, [h.pki.rsaRoot.der], { content: doc })).valid).toBe(true);
    if (hasOpenssl()) {
      expect(opensslVerifyCms(attached.der, h.pki.rsaRoot.der).ok).toBe(true);
      expect(opensslVerifyCms(detached.der, h.pki.rsaRoot.der, doc).ok).toBe(true);
    }
  });

  it('createCAdESFromBase64 with AUTHENTICATION: an AUTH key, and a SIGN key is refused', async () => {
    h.person();
    const cms = await h.client.commonUtils.createCAdESFromBase64('PKCS12', doc, {
      keyType: 'AUTHENTICATION',
      attach: true,
    });
    expect((await verifyCmsWith(cms.der, [h.pki.rsaRoot.der])).signers[0]?.certificate?.keyPurpose).toBe(
      'auth',
    );
    h.person({ key: h.pki.files.personSign.name });
    const e = await rejection(
      h.client.commonUtils.createCAdESFromBase64('PKCS12', doc, { keyType: 'AUTHENTICATION' }),
    );
    expect(isNCALayerError(e, 'ERR_NO_KEY')).toBe(true);
  });

  it('createCAdESFromBase64Hash: RSA over SHA-256, GOST over Streebog-512', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const sha = new Uint8Array(createHash('sha256').update(doc).digest());
    const rsa = await h.client.commonUtils.createCAdESFromBase64Hash('PKCS12', sha);
    expect((await verifyCmsWith(rsa.der, [h.pki.rsaRoot.der], { content: doc })).valid).toBe(true);
    if (hasOpenssl()) expect(opensslVerifyCms(rsa.der, h.pki.rsaRoot.der, doc).ok).toBe(true);
    h.person({ key: h.pki.files.gostSign.name });
    const gost = await h.client.commonUtils.createCAdESFromBase64Hash('PKCS12', streebog512(doc));
    const report = await verifyCmsWith(gost.der, [h.pki.gostRoot.der], { content: doc });
    expect(report.valid).toBe(true);
    expect(report.signers[0]?.signatureAlgorithm.oid).toBe('1.2.398.3.10.1.1.2.3.2');
  });

  it('createCAdESFromBase64Hash with an empty hash: {code:"500"} alone, as NCALayer answers', async () => {
    const raw = await h.client.request({
      module: cu,
      method: 'createCAdESFromBase64Hash',
      args: ['PKCS12', '123', ''],
    });
    expect(raw).toEqual({ code: '500' });
    const e = await rejection(h.client.commonUtils.createCAdESFromBase64Hash('PKCS12', ''));
    expect(isNCALayerError(e, 'ERR_NCALAYER')).toBe(true);
  });

  it('createCMSSignatureFromBase64 (deprecated): CAdES with a timestamp from the TSA', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const answer = await h.client.commonUtils.call('createCMSSignatureFromBase64', [
      'PKCS12',
      'SIGNATURE',
      toBase64(doc),
      true,
    ]);
    const report = await verifyCmsWith(Buffer.from(answer as string, 'base64'), [h.pki.rsaRoot.der]);
    expect(report.valid).toBe(true);
    expect(report.signers[0]?.timestamp?.valid).toBe(true);
  });

  it('signXml: whole document; with tbsElementXPath and signatureParentElementXPath', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const xml = '<doc><head>h</head><body Id="b1"><p>текст</p></body><sigs/></doc>';
    const whole = await h.client.commonUtils.signXml('PKCS12', xml);
    expect(xmlCryptoVerify(whole)).toBe(true);
    const part = await h.client.commonUtils.signXml('PKCS12', xml, {
      tbsElementXPath: "//*[local-name()='body']",
      signatureParentElementXPath: "//*[local-name()='sigs']",
    });
    expect(part).toContain('<ds:Reference URI="#b1">');
    expect(part).toMatch(/<sigs><ds:Signature/);
    expect(xmlCryptoVerify(part)).toBe(true);
    if (javaXmlVerifier().ok) {
      for (const signed of [whole, part]) {
        const j = javaVerifyXml(signed);
        expect(j.ok, j.output).toBe(true);
      }
      // The signed element changed: the JDK refuses.
      expect(javaVerifyXml(part.replace('текст', 'текст!')).ok).toBe(false);
    }
  });

  it('signXmls: several documents, one key, one signature each (GOST)', async () => {
    h.person({ key: h.pki.files.gostSign.name });
    const out = await h.client.commonUtils.signXmls('PKCS12', ['<a>1</a>', '<a>2</a>']);
    expect(out).toHaveLength(2);
    expect(out[1]).toContain('<a>2<ds:Signature');
    for (const x of out) expect(xmlCryptoVerify(x)).toBe(true);
  });

  it('changeLocale: {code:"200"}', async () => {
    await h.client.commonUtils.changeLocale('kk');
    expect(await h.client.request({ module: cu, method: 'changeLocale', args: ['en'] })).toEqual({
      code: '200',
    });
  });

  it('cancel: {code:"500", message:"action.canceled"} → ERR_USER_CANCELLED', async () => {
    h.person({ user: 'cancel' });
    expect(await h.client.request({ module: cu, method: 'getKeyInfo', args: ['PKCS12'] })).toEqual({
      code: '500',
      message: 'action.canceled',
    });
    const e = await rejection(h.client.commonUtils.createCAdESFromBase64('PKCS12', doc));
    expect(isNCALayerError(e, 'ERR_USER_CANCELLED')).toBe(true);
  });

  it('a wrong password: nothing signed, the person gives up (cancel)', async () => {
    h.person({ user: 'wrong-password', key: h.pki.files.gostSign.name });
    const wrong = h.events.filter((e) => e.type === 'wrong-password').length;
    const e = await rejection(h.client.commonUtils.signXml('PKCS12', '<a/>'));
    expect(isNCALayerError(e, 'ERR_USER_CANCELLED')).toBe(true);
    expect(h.events.filter((x) => x.type === 'wrong-password')).toHaveLength(wrong + 1);
  });

  it('arguments of the wrong type: NCALayer’s IllegalArgumentException → ERR_INVALID_ARGUMENT', async () => {
    // Requests and answers as NCALayer gave them (recorded by the sigex ncalayer-js-client tests).
    expect(await h.client.request({ module: cu, method: 'getKeyInfo', args: [1] })).toEqual({
      code: '500',
      message: 'java.lang.IllegalArgumentException: argument type mismatch. Method: getKeyInfo',
    });
    expect(
      await h.client.request({
        module: cu,
        method: 'createCAdESFromBase64',
        args: ['PKCS12', 123, 'MTEK', false],
      }),
    ).toEqual({
      code: '500',
      message: 'java.lang.IllegalArgumentException: argument type mismatch. Method: createCAdESFromBase64',
    });
    expect(
      await h.client.request({
        module: cu,
        method: 'signXmls',
        args: ['PKCS12', '123', '<tag>data</tag>', '', ''],
      }),
    ).toEqual({
      code: '500',
      message: 'java.lang.IllegalArgumentException: argument type mismatch. Method: signXmls',
    });
    const e = await rejection(h.client.commonUtils.call('changeLocale', [2]));
    expect(isNCALayerError(e, 'ERR_INVALID_ARGUMENT')).toBe(true);
  });

  it('XML that does not parse: a SAXParseException → ERR_XML_INVALID', async () => {
    h.person({ key: h.pki.files.personSign.name });
    const raw = (await h.client.request({
      module: cu,
      method: 'signXml',
      args: ['PKCS12', '123', '<this>is not a valid XML', '', ''],
    })) as { code: string; message: string };
    expect(raw.code).toBe('500');
    expect(raw.message).toMatch(/^org\.xml\.sax\.SAXParseException/);
    const e = await rejection(h.client.commonUtils.signXml('PKCS12', '<this>is not a valid XML'));
    expect(isNCALayerError(e, 'ERR_XML_INVALID')).toBe(true);
  });
});
