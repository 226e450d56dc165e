/**
 * RFC 3161: requests, the TSA's answers (granted and each rejection), token verification and its
 * failures, and the HTTP client against the test TSA on 127.0.0.1.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeDigest } from '../../src/cms/digest.js';
import { CMS_CONTENT_TYPES, NCA_TSA_POLICY_OIDS } from '../../src/cms/oids.js';
import { parseCms } from '../../src/cms/parse.js';
import { signCms } from '../../src/cms/sign.js';
import { toHex } from '../../src/der/encoding.js';
import { derBoolean, derOctetString, derOid, derSequence, derSmallInteger } from '../../src/der/writer.js';
import { isPkiError } from '../../src/errors.js';
import { prepareTimestampAuthority } from '../../src/tsp/authority.js';
import { requestTimestamp } from '../../src/tsp/client.js';
import { createTimestampRequest, parseTimestampRequest } from '../../src/tsp/request.js';
import { parseTimestampResponse } from '../../src/tsp/response.js';
import { parseTimestampToken, verifyTimestampToken } from '../../src/tsp/token.js';
import { type CmsTestPki, makeCmsTestPki } from '../cms/support/pki.js';

let pki: CmsTestPki;
beforeAll(async () => {
  pki = await makeCmsTestPki();
});
afterAll(async () => {
  await pki?.close();
});

const tsa = () =>
  prepareTimestampAuthority({
    key: pki.tsa.keys.privateKey,
    certificate: pki.tsa.cert.der,
    chain: [pki.issuing.cert.der],
    policy: NCA_TSA_POLICY_OIDS.rsa,
    acceptedPolicies: [NCA_TSA_POLICY_OIDS.rsa, NCA_TSA_POLICY_OIDS.gost2015],
    includeTsaName: true,
  });

async function code(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return isPkiError(e) ? e.code : String(e);
  }
  return undefined;
}

describe('createTimestampRequest / parseTimestampRequest', () => {
  it('writes imprint, policy, nonce and certReq, and reads them back', async () => {
    const req = await createTimestampRequest({
      data: 'abc',
      hash: 'SHA-256',
      policy: NCA_TSA_POLICY_OIDS.rsa,
    });
    expect(toHex(req.imprint.digest)).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(req.nonce).toMatch(/^[0-9a-f]+$/);
    expect(req.certReq).toBe(true);
    const back = parseTimestampRequest(req.der);
    expect(back.version).toBe(1);
    expect(back.imprint.hash).toBe('SHA-256');
    expect(toHex(back.imprint.digest)).toBe(toHex(req.imprint.digest));
    expect(back.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
    expect(back.nonce).toBe(req.nonce);
    expect(back.certReq).toBe(true);
  });

  it('leaves out the nonce and certReq when asked; a GOST imprint', async () => {
    const digest = await computeDigest('STREEBOG-512', new Uint8Array([1, 2, 3]));
    const req = await createTimestampRequest({ digest, hash: 'STREEBOG-512', nonce: false, certReq: false });
    const back = parseTimestampRequest(req.der);
    expect(back.nonce).toBeUndefined();
    expect(back.certReq).toBe(false);
    expect(back.imprint.hashOid).toBe('1.2.398.3.10.1.3.3');
  });

  it('rejects bad input with typed errors', async () => {
    expect(await code(createTimestampRequest({}))).toBe('ERR_INVALID_ARGUMENT');
    expect(await code(createTimestampRequest({ digest: new Uint8Array(5), hash: 'SHA-256' }))).toBe(
      'ERR_INVALID_ARGUMENT',
    );
    expect(await code(createTimestampRequest({ data: 'x', hash: 'MD5' as never }))).toBe(
      'ERR_UNSUPPORTED_ALGORITHM',
    );
    expect(await code(() => parseTimestampRequest(new Uint8Array([0x30, 0x00])))).toBe('ERR_TSP_INVALID');
  });
});

describe('the TSA', () => {
  it('grants a token that verifies: signature, ESS, timestamping-only certificate, chain, imprint, nonce', async () => {
    const authority = await tsa();
    const req = await createTimestampRequest({ data: 'document', policy: NCA_TSA_POLICY_OIDS.gost2015 });
    const res = parseTimestampResponse(await authority.respond(req.der));
    expect(res.status).toBe('granted');
    expect(res.info?.policy).toBe(NCA_TSA_POLICY_OIDS.gost2015);
    expect(res.info?.nonce).toBe(req.nonce);
    expect(res.info?.accuracy).toEqual({ seconds: 1, millis: 0, micros: 0 });
    expect(res.info?.tsa).toBe('CN=KZPKI TEST TSA,C=KZ');
    expect(Math.abs(res.info!.genTime.getTime() - Date.now())).toBeLessThan(5000);
    const token = parseTimestampToken(res.token!);
    expect(token.cms.contentType).toBe(CMS_CONTENT_TYPES.tstInfo);
    expect(token.cms.version).toBe(3);
    expect(token.cms.certificates.length).toBe(2); // certReq: the TSA and its CA
    const v = await verifyTimestampToken(res.token!, {
      data: new TextEncoder().encode('document'),
      nonce: req.nonce!,
      policies: [NCA_TSA_POLICY_OIDS.gost2015],
      trustAnchors: [pki.root.cert.der],
    });
    expect(v.failures).toEqual([]);
    expect(v.valid).toBe(true);
    expect(v.chain?.valid).toBe(true);
  });

  it('leaves its certificate out without certReq; the token then verifies with it supplied', async () => {
    const authority = await tsa();
    const req = await createTimestampRequest({ data: 'x', certReq: false });
    const res = parseTimestampResponse(await authority.respond(req.der));
    expect(parseCms(res.token!).certificates).toHaveLength(0);
    const without = await verifyTimestampToken(res.token!, {});
    expect(without.reason).toBe('tsa-certificate-not-found');
    const supplied = await verifyTimestampToken(res.token!, { certificates: [pki.tsa.cert.der] });
    expect(supplied.valid).toBe(true);
  });

  it('rejects what RFC 3161 says to reject, with the right failInfo', async () => {
    const authority = await tsa();
    const reject = async (der: Uint8Array) => {
      const r = parseTimestampResponse(await authority.respond(der));
      expect(r.status).toBe('rejection');
      expect(r.token).toBeUndefined();
      return r.failInfo;
    };
    const imprint = (oid: string, n: number) =>
      derSequence(derSequence(derOid(oid)), derOctetString(new Uint8Array(n)));
    expect(await reject(derSequence(derSmallInteger(1), imprint('1.2.840.113549.2.5', 16)))).toEqual([
      'badAlg',
    ]);
    expect(await reject(derSequence(derSmallInteger(1), imprint('2.16.840.1.101.3.4.2.1', 31)))).toEqual([
      'badDataFormat',
    ]);
    expect(await reject(Uint8Array.of(1, 2, 3))).toEqual(['badDataFormat']);
    expect(await reject(derSequence(derSmallInteger(2), imprint('2.16.840.1.101.3.4.2.1', 32)))).toEqual([
      'badRequest',
    ]);
    expect(
      await reject(derSequence(derSmallInteger(1), imprint('2.16.840.1.101.3.4.2.1', 32), derOid('1.2.3.4'))),
    ).toEqual(['unacceptedPolicy']);
    const ext = derSequence(derSequence(derOid('1.2.3.4.5'), derOctetString(Uint8Array.of(5, 0))));
    const implicit = ext.slice();
    implicit[0] = 0xa0; // [0] IMPLICIT Extensions
    const withExt = derSequence(
      derSmallInteger(1),
      imprint('2.16.840.1.101.3.4.2.1', 32),
      derBoolean(true),
      implicit,
    );
    expect(await reject(withExt)).toEqual(['unacceptedExtension']);
  });

  it('refuses a certificate that is not a TSA certificate', async () => {
    const person = await pki.person();
    expect(
      await code(
        prepareTimestampAuthority({
          key: person.keys.privateKey,
          certificate: person.cert.der,
          policy: NCA_TSA_POLICY_OIDS.rsa,
        }),
      ),
    ).toBe('ERR_CERTIFICATE_INVALID');
  });
});

describe('verifyTimestampToken failures', () => {
  it('imprint, nonce, policy and chain', async () => {
    const authority = await tsa();
    const req = await createTimestampRequest({ data: 'exact' });
    const token = parseTimestampResponse(await authority.respond(req.der)).token!;
    expect((await verifyTimestampToken(token, { data: new TextEncoder().encode('other') })).reason).toBe(
      'imprint-mismatch',
    );
    expect((await verifyTimestampToken(token, { digest: new Uint8Array(32) })).reason).toBe(
      'imprint-mismatch',
    );
    expect((await verifyTimestampToken(token, { nonce: '01' })).reason).toBe('nonce-mismatch');
    expect((await verifyTimestampToken(token, { policies: ['1.2.3'] })).reason).toBe('policy-not-accepted');
    const chain = await verifyTimestampToken(token, { trustAnchors: [pki.strangerRoot.cert.der] });
    expect(chain.reason).toBe('chain-invalid');
    expect(chain.chain?.valid).toBe(false);
    expect((await verifyTimestampToken(Uint8Array.of(0x30, 0x00))).reason).toBe('malformed');
    const tampered = token.slice();
    const at = Buffer.from(tampered).indexOf(Buffer.from(req.imprint.digest));
    tampered[at]! ^= 1;
    expect((await verifyTimestampToken(tampered)).reason).toBe('signature-invalid');
  });

  it('a token signed by a certificate without timestamping rights: tsa-not-authorized', async () => {
    const person = await pki.person();
    const authority = await tsa();
    const genuine = parseTimestampToken(
      parseTimestampResponse(await authority.respond((await createTimestampRequest({ data: 'x' })).der))
        .token!,
    );
    const forged = await signCms({
      content: genuine.info.der,
      contentType: CMS_CONTENT_TYPES.tstInfo,
      signers: { key: person.keys.privateKey, certificate: person.cert.der },
    });
    const v = await verifyTimestampToken(forged, {
      trustAnchors: [pki.root.cert.der],
      certificates: [pki.issuing.cert.der],
    });
    expect(v.valid).toBe(false);
    expect(v.failures).toContain('tsa-not-authorized');
  });
});

describe('requestTimestamp over HTTP', () => {
  it('gets a token from the TSA and checks it answers the request', async () => {
    const got = await requestTimestamp({
      url: `${pki.url}/tsa`,
      data: 'over http',
      policy: NCA_TSA_POLICY_OIDS.rsa,
    });
    expect(got.info.nonce).toBe(got.request.nonce);
    expect(
      (
        await verifyTimestampToken(got.token, {
          data: new TextEncoder().encode('over http'),
          trustAnchors: [pki.root.cert.der],
        })
      ).valid,
    ).toBe(true);
  });

  it('a refusal is ERR_TSP_REJECTED with the failInfo', async () => {
    try {
      await requestTimestamp({ url: `${pki.url}/tsa`, data: 'x', policy: '1.2.3.4' });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(isPkiError(e, 'ERR_TSP_REJECTED')).toBe(true);
      expect((e as { details: { failInfo: string[] } }).details.failInfo).toEqual(['unacceptedPolicy']);
    }
  });

  it('an unreachable TSA is ERR_NETWORK; an HTTP error too', async () => {
    expect(await code(requestTimestamp({ url: `${pki.deadUrl}/tsa`, data: 'x', timeoutMs: 2000 }))).toBe(
      'ERR_NETWORK',
    );
    expect(await code(requestTimestamp({ url: `${pki.url}/nothing`, data: 'x' }))).toBe('ERR_NETWORK');
  });

  it('a TSA that answers with a token for another request is ERR_TSP_NONCE_MISMATCH', async () => {
    const authority = await tsa();
    const stale = await authority.respond((await createTimestampRequest({ data: 'x' })).der);
    const replay = createServer((_req, res) => {
      _req.resume();
      _req.on('end', () => res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(stale));
    });
    await new Promise<void>((r) => replay.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(replay.address() as AddressInfo).port}/`;
      expect(await code(requestTimestamp({ url, data: 'x' }))).toBe('ERR_TSP_NONCE_MISMATCH');
      expect(await code(requestTimestamp({ url, data: 'y', nonce: false }))).toBe('ERR_TSP_NONCE_MISMATCH');
    } finally {
      replay.closeAllConnections();
      await new Promise<void>((r) => replay.close(() => r()));
    }
  });
});
