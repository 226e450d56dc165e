/**
 * The legacy applet API (`{method, args}` → `{result, secondResult, errorCode}`) end to end: the
 * page names the key file and passes its password; RSA and GOST keys; wrong password, wrong key
 * type, cancel; signatures checked with verifyCms, OpenSSL, Node's crypto and the JDK.
 */
import { createHash, verify as nodeVerify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCms, verifySignature } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNCALayerError } from '../src/errors.js';
import { type Harness, makeHarness } from './support/harness.js';
import { PASSWORD, PERSON_IIN } from './support/test-pki.js';
import {
  hasOpenssl,
  javaVerifyXml,
  javaXmlVerifier,
  opensslVerifyCms,
  verifyCmsWith,
  xmlCryptoVerify,
} from './support/verify.js';

let h: Harness;
const S = 'PKCS12';

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

describe('legacy API', () => {
  it('browseKeyStore: the path of the file the person picks; an empty path when they cancel', async () => {
    h.person({ key: h.pki.files.personSign.name });
    expect(await h.client.legacy.browseKeyStore(S, 'P12', '')).toBe(h.pki.files.personSign.path);
    h.person({ user: 'cancel' });
    expect(await h.client.request({ method: 'browseKeyStore', args: [S, 'P12', ''] })).toEqual({
      result: '',
      errorCode: 'NONE',
    });
    const e = await rejection(h.client.legacy.browseKeyStore());
    expect(isNCALayerError(e, 'ERR_USER_CANCELLED')).toBe(true);
  });

  it('getKeys: alg|CN|serial|alias lines of the requested type; the alias is the SKI', async () => {
    const f = h.pki.files.personSign;
    const keys = await h.client.legacy.getKeys(S, f.path, PASSWORD, 'SIGN');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ alias: f.certificate.subjectKeyId });
    expect(keys[0]?.fields).toEqual([
      'RSA',
      'ТЕСТОВ ТЕСТ',
      f.certificate.serialHex,
      f.certificate.subjectKeyId,
    ]);
    expect(await h.client.legacy.getKeys(S, f.path, PASSWORD, 'ALL')).toHaveLength(1);
    const e = await rejection(h.client.legacy.getKeys(S, f.path, PASSWORD, 'AUTH'));
    expect(isNCALayerError(e, 'ERR_NO_KEY')).toBe(true);
  });

  it('a wrong password: errorCode WRONG_PASSWORD → ERR_WRONG_PASSWORD (no attempt count for files)', async () => {
    const f = h.pki.files.personAuth;
    const raw = await h.client.request({ method: 'getKeys', args: [S, f.path, 'Wrong123', 'AUTH'] });
    expect(raw).toEqual({ result: -1, errorCode: 'WRONG_PASSWORD' });
    const e = await rejection(h.client.legacy.getKeys(S, f.path, 'Wrong123', 'AUTH'));
    expect(isNCALayerError(e, 'ERR_WRONG_PASSWORD')).toBe(true);
    expect((e as { details: { attemptsLeft?: number } }).details.attemptsLeft).toBeUndefined();
  });

  it('a page may name only the folder’s key files', async () => {
    const e = await rejection(h.client.legacy.getKeys(S, '/etc/passwd', PASSWORD, 'ALL'));
    expect(isNCALayerError(e, 'ERR_NCALAYER')).toBe(true);
  });

  it('certificate facts: validity, DNs, an RDN by OID (RDN_NOT_FOUND when absent)', async () => {
    const f = h.pki.files.personAuth;
    const alias = f.certificate.subjectKeyId;
    const L = h.client.legacy;
    expect(new Date(await L.getNotBefore(S, f.path, alias, PASSWORD)).getTime()).toBe(
      f.certificate.notBefore.getTime(),
    );
    expect(new Date(await L.getNotAfter(S, f.path, alias, PASSWORD)).getTime()).toBe(
      f.certificate.notAfter.getTime(),
    );
    expect(await L.getSubjectDN(S, f.path, alias, PASSWORD)).toContain(`SERIALNUMBER=IIN${PERSON_IIN}`);
    expect(await L.getIssuerDN(S, f.path, alias, PASSWORD)).toContain('CN=KZPKI NCALAYER TEST CA (RSA)');
    expect(await L.getRdnByOid(S, f.path, alias, PASSWORD, '2.5.4.5', 0)).toBe(`IIN${PERSON_IIN}`);
    const e = await rejection(L.getRdnByOid(S, f.path, alias, PASSWORD, '2.5.4.11', 0));
    expect(isNCALayerError(e, 'ERR_NCALAYER')).toBe(true);
    expect((e as { details: { ncalayerCode?: string } }).details.ncalayerCode).toBe('RDN_NOT_FOUND');
    const other = await rejection(L.getSubjectDN(S, f.path, 'not-this-alias', PASSWORD));
    expect(isNCALayerError(other, 'ERR_NO_KEY')).toBe(true);
  });

  it('signPlainData: an RSA PKCS#1 v1.5 SHA-256 signature that Node’s crypto verifies', async () => {
    const f = h.pki.files.personAuth;
    const data = 'nonce:1234567890';
    const sig = await h.client.legacy.signPlainData(S, f.path, f.certificate.subjectKeyId, PASSWORD, data);
    expect(nodeVerify('sha256', Buffer.from(data), f.certificate.pem, Buffer.from(sig, 'base64'))).toBe(true);
    expect(nodeVerify('sha256', Buffer.from(`${data}!`), f.certificate.pem, Buffer.from(sig, 'base64'))).toBe(
      false,
    );
  });

  it('signPlainData with a GOST key: verified by verifySignature', async () => {
    const f = h.pki.files.gostSign;
    const data = 'nonce:gost';
    const sig = await h.client.legacy.signPlainData(S, f.path, f.certificate.subjectKeyId, PASSWORD, data);
    const ok = await verifySignature({
      data: new TextEncoder().encode(data),
      signature: Buffer.from(sig, 'base64'),
      algorithm: '1.2.398.3.10.1.1.2.3.2',
      publicKeyInfo: (await import('@kzpki/pki')).certificatePublicKeyInfo(f.certificate.der),
    });
    expect(ok).toBe(true);
  });

  it('createCMSSignature: attached and detached, RSA (OpenSSL too) and GOST', async () => {
    const f = h.pki.files.personSign;
    const data = 'Өтініш / заявление';
    const attached = await h.client.legacy.createCMSSignature(
      S,
      f.path,
      f.certificate.subjectKeyId,
      PASSWORD,
      data,
      true,
    );
    expect(new TextDecoder().decode(parseCms(attached.der).content)).toBe(data);
    expect((await verifyCmsWith(attached.der, [h.pki.rsaRoot.der])).valid).toBe(true);
    const detached = await h.client.legacy.createCMSSignature(
      S,
      f.path,
      f.certificate.subjectKeyId,
      PASSWORD,
      data,
      false,
    );
    const bytes = new TextEncoder().encode(data);
    expect((await verifyCmsWith(detached.der, [h.pki.rsaRoot.der], { content: bytes })).valid).toBe(true);
    if (hasOpenssl()) expect(opensslVerifyCms(detached.der, h.pki.rsaRoot.der, bytes).ok).toBe(true);
    const g = h.pki.files.gostSign;
    const gost = await h.client.legacy.createCMSSignature(
      S,
      g.path,
      g.certificate.subjectKeyId,
      PASSWORD,
      data,
      true,
    );
    expect((await verifyCmsWith(gost.der, [h.pki.gostRoot.der])).valid).toBe(true);
  });

  it('createCMSSignatureFromFile: files inside the allowed folder only', async () => {
    const f = h.pki.files.personSign;
    const content = new Uint8Array(3000).map((_, i) => i % 251);
    writeFileSync(join(h.filesDir, 'doc.bin'), content);
    const cms = await h.client.legacy.createCMSSignatureFromFile(
      S,
      f.path,
      f.certificate.subjectKeyId,
      PASSWORD,
      join(h.filesDir, 'doc.bin'),
      false,
    );
    expect((await verifyCmsWith(cms.der, [h.pki.rsaRoot.der], { content })).valid).toBe(true);
    const e = await rejection(
      h.client.legacy.createCMSSignatureFromFile(
        S,
        f.path,
        f.certificate.subjectKeyId,
        PASSWORD,
        f.path,
        false,
      ),
    );
    expect(isNCALayerError(e, 'ERR_NCALAYER')).toBe(true);
  });

  it('signXml and signXmlByElementId: verified by the JDK', async () => {
    const f = h.pki.files.personSign;
    const alias = f.certificate.subjectKeyId;
    const xml = '<request><data id="d1"><iin>871008401427</iin></data><signatures/></request>';
    const whole = await h.client.legacy.signXml(S, f.path, alias, PASSWORD, xml);
    const byId = await h.client.legacy.signXmlByElementId(
      S,
      f.path,
      alias,
      PASSWORD,
      xml,
      'data',
      'id',
      'signatures',
    );
    expect(byId).toContain('<ds:Reference URI="#d1">');
    expect(byId).toMatch(/<signatures><ds:Signature/);
    expect(xmlCryptoVerify(whole)).toBe(true);
    expect(xmlCryptoVerify(byId, 'id')).toBe(true);
    if (javaXmlVerifier().ok) {
      expect(javaVerifyXml(whole).ok).toBe(true);
      const j = javaVerifyXml(byId, 'id');
      expect(j.ok, j.output).toBe(true);
    }
    const e = await rejection(h.client.legacy.signXml(S, f.path, alias, PASSWORD, '<a><b></a>'));
    expect(isNCALayerError(e, 'ERR_XML_INVALID')).toBe(true);
  });

  it('getHash: base64 digests (SHA-256 as OpenSSL/Node compute it; GOST R 34.11-94)', async () => {
    const data = 'abc';
    expect(await h.client.legacy.getHash(data, 'SHA256')).toBe(
      createHash('sha256').update(data).digest('base64'),
    );
    expect(await h.client.legacy.getHash(data, 'SHA1')).toBe(
      createHash('sha1').update(data).digest('base64'),
    );
    expect(Buffer.from(await h.client.legacy.getHash(data, 'GOST34311'), 'base64')).toHaveLength(32);
    const e = await rejection(h.client.legacy.getHash(data, 'MD5'));
    expect(isNCALayerError(e, 'ERR_NCALAYER')).toBe(true);
  });

  it('setLocale is not answered; the next request still gets its own answer', async () => {
    await h.client.legacy.setLocale('ru');
    expect(await h.client.legacy.getHash('x', 'SHA256')).toBe(
      createHash('sha256').update('x').digest('base64'),
    );
  });

  it('an unknown method: UNKNOWN_METHOD', async () => {
    expect(await h.client.request({ method: 'formatDisk', args: [] })).toMatchObject({
      errorCode: 'UNKNOWN_METHOD',
    });
  });
});
