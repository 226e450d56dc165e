/**
 * RFC 3161 interop with OpenSSL: `openssl ts -verify` accepts our TSA's tokens (for our requests
 * and for OpenSSL's own `ts -query` requests), OpenSSL reads our requests, and we verify tokens
 * made by `openssl ts -reply` acting as a TSA — also as the CAdES-T timestamp of our CMS.
 * Skips with a reason where `openssl` is missing.
 */
import { hasTool } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NCA_TSA_POLICY_OIDS } from '../../src/cms/oids.js';
import { parseCms } from '../../src/cms/parse.js';
import { signCms } from '../../src/cms/sign.js';
import { addSignatureTimestamp } from '../../src/cms/timestamp.js';
import { verifyCms } from '../../src/cms/verify.js';
import { toHex, toPem } from '../../src/der/encoding.js';
import { prepareTimestampAuthority, type TimestampAuthority } from '../../src/tsp/authority.js';
import { createTimestampRequest, parseTimestampRequest } from '../../src/tsp/request.js';
import { parseTimestampResponse } from '../../src/tsp/response.js';
import { verifyTimestampToken } from '../../src/tsp/token.js';
import { makeOpensslPki, type OpensslPki, openssl } from '../cms/support/openssl-pki.js';
import { type CmsTestPki, makeCmsTestPki } from '../cms/support/pki.js';

const describeOpenssl = hasTool('openssl') ? describe : describe.skip;

describeOpenssl('RFC 3161 with OpenSSL', () => {
  let pki: CmsTestPki;
  let ossl: OpensslPki;
  let authority: TimestampAuthority;
  const data = new TextEncoder().encode('timestamped data\n');
  beforeAll(async () => {
    pki = await makeCmsTestPki();
    ossl = makeOpensslPki();
    authority = await prepareTimestampAuthority({
      key: pki.tsa.keys.privateKey,
      certificate: pki.tsa.cert.der,
      chain: [pki.issuing.cert.der],
      policy: NCA_TSA_POLICY_OIDS.rsa,
      includeTsaName: true,
    });
    ossl.write('data.bin', data);
    ossl.write('ours-root.pem', toPem(pki.root.cert.der, 'CERTIFICATE'));
    ossl.write('ours-issuing.pem', toPem(pki.issuing.cert.der, 'CERTIFICATE'));
  });
  afterAll(async () => {
    await pki?.close();
    ossl?.dispose();
  });

  it('openssl ts -verify accepts our token for our request (data, digest and token forms)', async () => {
    const req = await createTimestampRequest({ data, hash: 'SHA-256' });
    ossl.write('our.tsq', req.der);
    expect(openssl(['ts', '-query', '-in', 'our.tsq', '-text'], ossl.dir)).toMatch(
      /Hash Algorithm: sha256[\s\S]*Certificate required: yes/,
    );
    ossl.write('our.tsr', await authority.respond(req.der));
    const verify = (args: string[]) =>
      openssl(
        ['ts', '-verify', ...args, '-CAfile', 'ours-root.pem', '-untrusted', 'ours-issuing.pem'],
        ossl.dir,
      );
    expect(verify(['-in', 'our.tsr', '-data', 'data.bin'])).toContain('Verification: OK');
    expect(verify(['-in', 'our.tsr', '-digest', toHex(req.imprint.digest)])).toContain('Verification: OK');
    expect(verify(['-in', 'our.tsr', '-queryfile', 'our.tsq'])).toContain('Verification: OK');
    const text = openssl(['ts', '-reply', '-in', 'our.tsr', '-text'], ossl.dir);
    expect(text).toContain(`Policy OID: ${NCA_TSA_POLICY_OIDS.rsa}`);
    expect(text).toContain('TSA: DirName:/C=KZ/CN=KZPKI TEST TSA');
    ossl.write('other.bin', 'other data');
    expect(() => verify(['-in', 'our.tsr', '-data', 'other.bin'])).toThrow(/failed/);
  });

  it("our TSA answers OpenSSL's ts -query, and OpenSSL accepts the answer", async () => {
    openssl(['ts', '-query', '-data', 'data.bin', '-sha512', '-cert', '-out', 'ossl.tsq'], ossl.dir);
    const req = parseTimestampRequest(ossl.read('ossl.tsq'));
    expect(req.imprint.hash).toBe('SHA-512');
    expect(req.certReq).toBe(true);
    expect(req.nonce).toBeDefined();
    ossl.write('ossl-ours.tsr', await authority.respond(ossl.read('ossl.tsq')));
    expect(
      openssl(
        [
          'ts',
          '-verify',
          '-in',
          'ossl-ours.tsr',
          '-queryfile',
          'ossl.tsq',
          '-CAfile',
          'ours-root.pem',
          '-untrusted',
          'ours-issuing.pem',
        ],
        ossl.dir,
      ),
    ).toContain('Verification: OK');
  });

  it('we verify tokens made by openssl ts -reply (for our request and for its own)', async () => {
    const req = await createTimestampRequest({ data, hash: 'SHA-256', policy: NCA_TSA_POLICY_OIDS.rsa });
    ossl.write('q1.tsq', req.der);
    openssl(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'q1.tsq', '-out', 'r1.tsr'], ossl.dir);
    const res = parseTimestampResponse(ossl.read('r1.tsr'));
    expect(res.status).toBe('granted');
    expect(res.info?.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
    expect(res.info?.nonce).toBe(req.nonce);
    expect(res.info?.accuracy).toEqual({ seconds: 1, millis: 500, micros: 100 });
    expect(res.info?.ordering).toBe(true);
    const v = await verifyTimestampToken(res.token!, { data, nonce: req.nonce!, trustAnchors: [ossl.caPem] });
    expect(v.failures).toEqual([]);
    // Its own request, default policy; the wrong trust anchor is a chain failure.
    openssl(['ts', '-query', '-data', 'data.bin', '-sha1', '-cert', '-out', 'q2.tsq'], ossl.dir);
    openssl(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'q2.tsq', '-out', 'r2.tsr'], ossl.dir);
    const res2 = parseTimestampResponse(ossl.read('r2.tsr'));
    expect(res2.info?.policy).toBe('1.2.3.4.1');
    expect((await verifyTimestampToken(res2.token!, { data, trustAnchors: [ossl.caPem] })).valid).toBe(true);
    expect(
      (await verifyTimestampToken(res2.token!, { data, trustAnchors: [pki.root.cert.der] })).reason,
    ).toBe('chain-invalid');
    // An OpenSSL rejection reads as one.
    ossl.write('q3.tsq', (await createTimestampRequest({ data, policy: '1.9.9.9' })).der);
    openssl(['ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'q3.tsq', '-out', 'r3.tsr'], ossl.dir);
    const rejected = parseTimestampResponse(ossl.read('r3.tsr'));
    expect(rejected.status).toBe('rejection');
    expect(rejected.failInfo).toEqual(['unacceptedPolicy']);
  });

  it('an OpenSSL timestamp as the CAdES-T token of our CMS', async () => {
    const alice = await pki.person();
    const p7s = await signCms({
      content: 'signed and timestamped elsewhere',
      signers: {
        key: alice.keys.privateKey,
        certificate: alice.cert.der,
        certificates: [pki.issuing.cert.der],
      },
    });
    let n = 0;
    const stamped = await addSignatureTimestamp(p7s, {
      hash: 'SHA-384',
      timestamp: async ({ hash, digest }) => {
        const req = await createTimestampRequest({ digest, hash });
        ossl.write(`c${++n}.tsq`, req.der);
        openssl(
          [
            'ts',
            '-reply',
            '-config',
            'tsa.cnf',
            '-queryfile',
            `c${n}.tsq`,
            '-token_out',
            '-out',
            `c${n}.tok`,
          ],
          ossl.dir,
        );
        return ossl.read(`c${n}.tok`);
      },
    });
    expect(parseCms(stamped).signers[0]!.timestampTokens).toHaveLength(1);
    const report = await verifyCms(stamped, {
      trustAnchors: [pki.root.cert.der],
      tsaTrustAnchors: [ossl.caPem],
      revocation: false,
    });
    expect(report.valid).toBe(true);
    expect(report.signers[0]!.timestamp?.valid).toBe(true);
    expect(report.signers[0]!.timestamp?.hash).toBe('SHA-384');
    expect(report.signers[0]!.validationTimeSource).toBe('timestamp');
    // With revocation checking on: the OpenSSL TSA certificate names no OCSP responder or CRL, so
    // its status at genTime is unknown, and the timestamp cannot be relied on.
    const strict = await verifyCms(stamped, {
      trustAnchors: [pki.root.cert.der],
      tsaTrustAnchors: [ossl.caPem],
    });
    expect(strict.valid).toBe(false);
    expect(strict.reason).toBe('revocation-unknown');
    expect(strict.signers[0]!.timestamp?.reason).toBe('tsa-revocation-unknown');
  });
});
