/**
 * CMS interop with OpenSSL, an implementation nobody here wrote: `openssl cms -verify` accepts our
 * RSA and ECDSA CMS (attached, detached, CAdES-T, with an added signer), and we verify what
 * `openssl cms -sign` makes (SHA-256, attached and detached, streamed BER, without signed
 * attributes, ECDSA), and add a signer to it that OpenSSL still accepts. Skips with a reason where
 * `openssl` is missing.
 */
import { hasTool } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCms } from '../../src/cms/parse.js';
import { addCmsSigner, signCms } from '../../src/cms/sign.js';
import { addSignatureTimestamp } from '../../src/cms/timestamp.js';
import { verifyCms } from '../../src/cms/verify.js';
import { bytesEqual, toPem } from '../../src/der/encoding.js';
import { exportPkcs8 } from '../../src/keys/keys.js';
import { makeOpensslPki, type OpensslPki, openssl } from './support/openssl-pki.js';
import { type CmsTestPki, type Holder, makeCmsTestPki } from './support/pki.js';

const describeOpenssl = hasTool('openssl') ? describe : describe.skip;

describeOpenssl('CMS with OpenSSL', () => {
  let pki: CmsTestPki;
  let ossl: OpensslPki;
  let alice: Holder;
  let ec: Holder;
  const content = new TextEncoder().encode('Шарт / contract\r\nline 2\n');
  beforeAll(async () => {
    pki = await makeCmsTestPki();
    ossl = makeOpensslPki();
    [alice, ec] = await Promise.all([pki.person(), pki.person({ alg: 'ECDSA-P256' })]);
    ossl.write('ours-ca.pem', toPem(pki.root.cert.der, 'CERTIFICATE'));
    ossl.write('ours-issuing.pem', toPem(pki.issuing.cert.der, 'CERTIFICATE'));
    ossl.write('content.bin', content);
    ossl.write('alice.key', toPem(await exportPkcs8(alice.keys.privateKey), 'PRIVATE KEY'));
    ossl.write('alice.pem', toPem(alice.cert.der, 'CERTIFICATE'));
    ossl.write(
      'both-ca.pem',
      `${new TextDecoder().decode(ossl.caPem)}${toPem(pki.root.cert.der, 'CERTIFICATE')}`,
    );
  });
  afterAll(async () => {
    await pki?.close();
    ossl?.dispose();
  });

  const ours = (h: Holder) => ({
    key: h.keys.privateKey,
    certificate: h.cert.der,
    certificates: [pki.issuing.cert.der],
  });
  const verifyWithOpenssl = (file: string, extra: string[] = []) =>
    openssl(
      [
        'cms',
        '-verify',
        '-inform',
        'DER',
        '-in',
        file,
        '-CAfile',
        'ours-ca.pem',
        '-out',
        'out.bin',
        ...extra,
      ],
      ossl.dir,
    );

  describe('openssl cms -verify accepts ours', () => {
    it('RSA, attached: the content comes back', async () => {
      ossl.write('a.p7s', await signCms({ content, signers: ours(alice) }));
      expect(verifyWithOpenssl('a.p7s')).toContain('Verification successful');
      expect(bytesEqual(ossl.read('out.bin'), content)).toBe(true);
    });

    it('RSA over a digest the caller computed (contentDigest): detached, verifies against the content', async () => {
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', content));
      const p7s = await signCms({ contentDigest: digest, signers: ours(alice) });
      ossl.write('h.p7s', p7s);
      expect(verifyWithOpenssl('h.p7s', ['-binary', '-content', 'content.bin'])).toContain(
        'Verification successful',
      );
      expect(parseCms(p7s).content).toBeUndefined();
      // The same signature as signing the content: same messageDigest.
      const report = await verifyCms(p7s, { content, trustAnchors: [pki.root.cert.der], revocation: false });
      expect(report.valid).toBe(true);
      await expect(
        signCms({ contentDigest: digest.subarray(1), signers: ours(alice) }),
      ).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
      await expect(signCms({ content, contentDigest: digest, signers: ours(alice) })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARGUMENT',
      });
    });

    it('RSA, detached, with -binary and -content; and with -noverify', async () => {
      ossl.write('d.p7s', await signCms({ content, detached: true, signers: ours(alice) }));
      expect(verifyWithOpenssl('d.p7s', ['-binary', '-content', 'content.bin'])).toContain(
        'Verification successful',
      );
      expect(
        openssl(
          [
            'cms',
            '-verify',
            '-inform',
            'DER',
            '-in',
            'd.p7s',
            '-binary',
            '-noverify',
            '-content',
            'content.bin',
            '-out',
            'out.bin',
          ],
          ossl.dir,
        ),
      ).toContain('Verification successful');
      ossl.write('wrong.bin', 'not the content');
      expect(() => verifyWithOpenssl('d.p7s', ['-binary', '-content', 'wrong.bin'])).toThrow(/failed/);
    });

    it('ECDSA P-256', async () => {
      ossl.write('ec.p7s', await signCms({ content, signers: ours(ec) }));
      expect(verifyWithOpenssl('ec.p7s')).toContain('Verification successful');
      const cms = parseCms(ossl.read('ec.p7s'));
      expect(cms.signers[0]!.signatureAlgorithm.oid).toBe('1.2.840.10045.4.3.2');
    });

    it('CAdES-T with two signers, the second added later', async () => {
      const one = await addSignatureTimestamp(await signCms({ content, signers: ours(alice) }), {
        timestamp: { url: `${pki.url}/tsa` },
      });
      ossl.write('two.p7s', await addCmsSigner(one, ours(ec)));
      expect(verifyWithOpenssl('two.p7s')).toContain('Verification successful');
      expect(openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', 'two.p7s'], ossl.dir)).toContain(
        'id-smime-aa-timeStampToken',
      );
    });
  });

  describe('we verify what openssl cms -sign makes', () => {
    const anchors = () => ({ trustAnchors: [ossl.caPem], revocation: false as const });
    const sign = (out: string, extra: string[], signer = 'signer') =>
      openssl(
        [
          'cms',
          '-sign',
          '-binary',
          '-md',
          'sha256',
          '-in',
          'content.bin',
          '-signer',
          `${signer}.pem`,
          '-inkey',
          `${signer}.key`,
          '-outform',
          'DER',
          '-out',
          out,
          ...extra,
        ],
        ossl.dir,
      );

    it('attached (-nodetach), SHA-256; the signer facts are read', async () => {
      sign('o-att.p7s', ['-nodetach']);
      const report = await verifyCms(ossl.read('o-att.p7s'), anchors());
      expect(report.valid).toBe(true);
      expect(report.signers[0]!.certificate?.iin).toBe('871008401427');
      expect(report.signers[0]!.digestAlgorithm.name).toBe('SHA-256');
      const tampered = await verifyCms(ossl.read('o-att.p7s'), { ...anchors(), content: 'other' });
      expect(tampered.reason).toBe('digest-mismatch');
    });

    it('detached, and streamed BER (indefinite lengths)', async () => {
      sign('o-det.p7s', []);
      expect((await verifyCms(ossl.read('o-det.p7s'), { ...anchors(), content })).valid).toBe(true);
      sign('o-stream.p7s', ['-nodetach', '-stream']);
      const ber = ossl.read('o-stream.p7s');
      expect(ber[1]).toBe(0x80); // indefinite length: BER, not DER
      const report = await verifyCms(ber, anchors());
      expect(report.valid).toBe(true);
      expect(bytesEqual(parseCms(ber).content!, content)).toBe(true);
    });

    it('without signed attributes (-noattr): the signature covers the content', async () => {
      sign('o-noattr.p7s', ['-nodetach', '-noattr']);
      const cms = parseCms(ossl.read('o-noattr.p7s'));
      expect(cms.signers[0]!.signedAttributes).toBeUndefined();
      expect((await verifyCms(cms, anchors())).valid).toBe(true);
      expect((await verifyCms(cms, { ...anchors(), content: 'other' })).reason).toBe('signature-invalid');
    });

    it('ECDSA', async () => {
      sign('o-ec.p7s', ['-nodetach'], 'ec');
      expect((await verifyCms(ossl.read('o-ec.p7s'), anchors())).valid).toBe(true);
    });

    it('an OpenSSL signature of our certificate, and our signer added to an OpenSSL CMS that OpenSSL still accepts', async () => {
      sign('o-alice.p7s', ['-nodetach'], 'alice');
      expect(
        (
          await verifyCms(ossl.read('o-alice.p7s'), {
            trustAnchors: [pki.root.cert.der],
            intermediates: [pki.issuing.cert.der],
            revocation: false,
          })
        ).valid,
      ).toBe(true);
      sign('o-base.p7s', ['-nodetach']);
      const base = ossl.read('o-base.p7s');
      const both = await addCmsSigner(base, ours(alice));
      expect(bytesEqual(parseCms(both).raw.signerInfos[0]!, parseCms(base).raw.signerInfos[0]!)).toBe(true);
      ossl.write('o-both.p7s', both);
      expect(
        openssl(
          [
            'cms',
            '-verify',
            '-inform',
            'DER',
            '-in',
            'o-both.p7s',
            '-CAfile',
            'both-ca.pem',
            '-out',
            'out.bin',
          ],
          ossl.dir,
        ),
      ).toContain('Verification successful');
      const report = await verifyCms(both, {
        trustAnchors: [ossl.caPem, pki.root.cert.der],
        revocation: false,
      });
      expect(report.valid).toBe(true);
      expect(report.signers).toHaveLength(2);
    });
  });
});
