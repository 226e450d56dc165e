/**
 * verifyCms against a real OCSP responder, CRL distribution point and TSA on 127.0.0.1 (built with
 * this package's buildOcspResponse, buildCrl and prepareTimestampAuthority): every failure the
 * report distinguishes, the certificate facts, policies, revocation evidence, offline
 * re-verification and the cache.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { essCertIdMatches, readSigningCertificate } from '../../src/cms/attributes.js';
import { parseCmsEvidence } from '../../src/cms/evidence.js';
import { CMS_ATTRIBUTES, NCA_TSA_POLICY_OIDS } from '../../src/cms/oids.js';
import { parseCms } from '../../src/cms/parse.js';
import {
  requireFirstManagerOf,
  requireIndividual,
  requireSignKey,
  requireTimestamp,
} from '../../src/cms/policy.js';
import { RevocationCache } from '../../src/cms/revocation.js';
import { signCms } from '../../src/cms/sign.js';
import { addSignatureTimestamp } from '../../src/cms/timestamp.js';
import { type VerifyCmsOptions, verifyCms } from '../../src/cms/verify.js';
import { readCertificateFields } from '../../src/x509/certificate-fields.js';
import { type CmsTestPki, type Holder, makeCmsTestPki } from './support/pki.js';

const DAY = 86_400_000;
let pki: CmsTestPki;
let alice: Holder;
let manager: Holder;
beforeAll(async () => {
  pki = await makeCmsTestPki();
  [alice, manager] = await Promise.all([
    pki.person({ iin: '871008401427' }),
    pki.person({ template: 'first-manager', iin: '061211600012', bin: '940140000385' }),
  ]);
});
afterAll(async () => {
  await pki?.close();
});
afterEach(() => {
  pki.tsaClock = () => new Date();
});

const base = (extra: Partial<VerifyCmsOptions> = {}): VerifyCmsOptions => ({
  trustAnchors: [pki.root.cert.der],
  revocation: { timeoutMs: 3000 },
  ...extra,
});

async function signed(
  h: Holder,
  content: string | Uint8Array = 'документ',
  opts: { detached?: boolean; signingTime?: Date } = {},
) {
  return signCms({
    content,
    ...(opts.detached ? { detached: true } : {}),
    signers: {
      key: h.keys.privateKey,
      certificate: h.cert.der,
      certificates: [pki.issuing.cert.der],
      ...(opts.signingTime ? { signingTime: opts.signingTime } : {}),
    },
  });
}

const stamp = (p7s: Uint8Array, policy?: string) =>
  addSignatureTimestamp(p7s, { timestamp: { url: `${pki.url}/tsa`, ...(policy ? { policy } : {}) } });

describe('a valid CAdES-T signature', () => {
  it('reports the signer facts, the timestamp, the chain and the revocation evidence', async () => {
    const p7s = await stamp(await signed(manager));
    const report = await verifyCms(p7s, base());
    expect(report.valid).toBe(true);
    expect(report.reason).toBeUndefined();
    const s = report.signers[0]!;
    expect(s.signatureValid).toBe(true);
    expect(s.certificate?.iin).toBe('061211600012');
    expect(s.certificate?.bin).toBe('940140000385');
    expect(s.certificate?.roles).toEqual(['legal-entity', 'first-manager']);
    expect(s.certificate?.template).toBe('first-manager');
    expect(s.certificate?.keyPurpose).toBe('sign');
    expect(s.signKey).toBe(true);
    expect(s.timestamp?.valid).toBe(true);
    expect(s.timestamp?.imprintMatches).toBe(true);
    expect(s.timestamp?.policy).toBe(NCA_TSA_POLICY_OIDS.rsa);
    expect(s.timestamp?.tsa).toContain('KZPKI TEST TSA');
    expect(s.timestamp?.revocation?.status).toBe('good');
    expect(s.validationTimeSource).toBe('timestamp');
    expect(s.validationTime).toBe(s.timestamp?.genTime);
    expect(s.chain.valid).toBe(true);
    expect(s.chain.certificates.map((c) => c.subject)).toEqual([
      s.certificate!.subject.dn,
      'CN=KZPKI TEST CA (RSA),C=KZ',
      'CN=KZPKI TEST ROOT (RSA),C=KZ',
    ]);
    expect(s.revocation.status).toBe('good');
    expect(s.revocation.certificates.map((c) => c.source)).toEqual(['ocsp', 'crl']);
    expect(s.revocation.certificates[1]!.crl?.crlNumber).toMatch(/^\d+$/);
    const ev = report.evidence;
    expect(ev.certificates.length).toBeGreaterThanOrEqual(4); // signer, CA, root, TSA
    expect(ev.ocspResponses.length).toBeGreaterThanOrEqual(1);
    expect(ev.crls.length).toBeGreaterThanOrEqual(1);
    expect(ev.timestampTokens).toHaveLength(1);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('re-verifies offline from the exported evidence, without the network', async () => {
    const p7s = await stamp(await signed(alice));
    const first = await verifyCms(p7s, base());
    expect(first.valid).toBe(true);
    const stored = JSON.stringify(first.evidence);
    const hits = { ...pki.hits };
    const again = await verifyCms(p7s, base({ evidence: stored, revocation: { offline: true } }));
    expect(again.valid).toBe(true);
    expect(again.signers[0]!.revocation.certificates.every((c) => c.fromEvidence)).toBe(true);
    expect(pki.hits.ocsp).toBe(hits.ocsp);
    expect(pki.hits.crl).toBe(hits.crl);
    // Offline without evidence: unknown, never valid.
    const blind = await verifyCms(p7s, base({ revocation: { offline: true } }));
    expect(blind.valid).toBe(false);
    expect(blind.reason).toBe('revocation-unknown');
    expect(blind.signers[0]!.timestamp?.reason).toBe('tsa-revocation-unknown');
    expect(blind.signers[0]!.revocation.status).toBe('unknown');
    expect(() => parseCmsEvidence('{"format":"other"}')).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
  });

  it('a shared cache answers the second verification without new requests', async () => {
    const p7s = await signed(alice);
    const cache = new RevocationCache();
    expect((await verifyCms(p7s, base({ revocation: { cache } }))).valid).toBe(true);
    const hits = { ...pki.hits };
    const second = await verifyCms(p7s, base({ revocation: { cache } }));
    expect(second.valid).toBe(true);
    expect(pki.hits).toEqual(hits);
    expect(second.signers[0]!.revocation.certificates[0]!.fromEvidence).toBe(true);
  });

  it('uses the CRL alone when asked, reporting its number', async () => {
    const report = await verifyCms(await signed(alice), base({ revocation: { mode: 'crl' } }));
    expect(report.valid).toBe(true);
    const c = report.signers[0]!.revocation.certificates[0]!;
    expect(c.source).toBe('crl');
    expect(c.crl?.url).toBe(`${pki.url}/crl/issuing.crl`);
  });
});

describe('each failure the report distinguishes', () => {
  it('tampered attached content: digest-mismatch', async () => {
    const p7s = await signed(alice, 'pay 100 KZT');
    const i = Buffer.from(p7s).indexOf('pay 100');
    const tampered = p7s.slice();
    tampered[i + 4] = '9'.charCodeAt(0);
    const report = await verifyCms(tampered, base());
    expect(report.valid).toBe(false);
    expect(report.reason).toBe('digest-mismatch');
    expect(report.failedSigner).toBe(0);
    expect(report.signers[0]!.signatureValid).toBe(false);
  });

  it('wrong detached content: digest-mismatch', async () => {
    const p7s = await signed(alice, 'the contract', { detached: true });
    expect((await verifyCms(p7s, base({ content: 'the contract' }))).valid).toBe(true);
    const report = await verifyCms(p7s, base({ content: 'another contract' }));
    expect(report.reason).toBe('digest-mismatch');
  });

  it('a changed signed attribute: signature-invalid', async () => {
    const p7s = await signed(alice);
    // Move the signing time by one second: still a well-formed attribute, no longer the signed one.
    const t = parseCms(p7s).signers[0]!.signingTime!.toISOString();
    const utc = `${t.slice(2, 4)}${t.slice(5, 7)}${t.slice(8, 10)}${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}Z`;
    const at = Buffer.from(p7s).indexOf(utc) + 11;
    const bad = p7s.slice();
    bad[at] = 0x30 + ((bad[at]! - 0x30 + 1) % 10);
    const report = await verifyCms(bad, base());
    expect(report.valid).toBe(false);
    expect(report.reason).toBe('signature-invalid');
    expect(report.signers[0]!.signatureValid).toBe(false);
  });

  it('signer certificate revoked before the timestamp: revoked', async () => {
    const victim = await pki.person();
    pki.tsaClock = () => new Date(Date.now() - 3600_000);
    const p7s = await stamp(await signed(victim));
    pki.revoke(victim.cert.serialHex, new Date(Date.now() - 2 * 3600_000), 'keyCompromise');
    const report = await verifyCms(p7s, base());
    expect(report.valid).toBe(false);
    expect(report.reason).toBe('revoked');
    const c = report.signers[0]!.revocation.certificates[0]!;
    expect(c.status).toBe('revoked');
    expect(c.revocationReason).toBe('keyCompromise');
    expect(report.signers[0]!.validationTimeSource).toBe('timestamp');
  });

  it('signer certificate revoked after the timestamp: valid, the later revocation reported', async () => {
    const victim = await pki.person();
    pki.tsaClock = () => new Date(Date.now() - 3600_000);
    const p7s = await stamp(await signed(victim));
    const revokedAt = new Date(Math.floor((Date.now() - 1800_000) / 1000) * 1000);
    pki.revoke(victim.cert.serialHex, revokedAt, 'affiliationChanged');
    const report = await verifyCms(p7s, base());
    expect(report.valid).toBe(true);
    const c = report.signers[0]!.revocation.certificates[0]!;
    expect(c.status).toBe('good');
    expect(c.revocationTime).toBe(revokedAt.toISOString());
    // Without the timestamp the same certificate is revoked now.
    const bare = await verifyCms(await signed(victim), base());
    expect(bare.reason).toBe('revoked');
    // With the CRL as the only source, the same judgement.
    const byCrl = await verifyCms(p7s, base({ revocation: { mode: 'crl' } }));
    expect(byCrl.valid).toBe(true);
    expect(byCrl.signers[0]!.revocation.certificates[0]!.revocationTime).toBe(revokedAt.toISOString());
  });

  it('certificate expired at verification time but valid at the timestamp: valid', async () => {
    const old = await pki.person({
      notBefore: new Date(Date.now() - 10 * DAY),
      notAfter: new Date(Date.now() - DAY),
    });
    const then = new Date(Date.now() - 5 * DAY);
    pki.tsaClock = () => then;
    const p7s = await stamp(await signed(old, 'archive', { signingTime: then }));
    const report = await verifyCms(p7s, base());
    expect(report.valid).toBe(true);
    expect(report.signers[0]!.validationTime).toBe(
      new Date(Math.floor(then.getTime() / 1000) * 1000).toISOString(),
    );
    // The same signature without a timestamp is judged now: expired.
    const bare = await verifyCms(await signed(old, 'archive', { signingTime: then }), base());
    expect(bare.valid).toBe(false);
    expect(bare.reason).toBe('certificate-expired');
    expect(bare.signers[0]!.revocation.status).toBe('not-checked');
    // ...unless the caller asks for a past time (an archive without a timestamp).
    const at = await verifyCms(await signed(old), base({ at: then }));
    expect(at.valid).toBe(true);
    expect(at.signers[0]!.validationTimeSource).toBe('at');
  });

  it('a timestamp over another signature: timestamp-imprint-mismatch', async () => {
    const other = parseCms(await stamp(await signed(alice, 'other'))).signers[0]!.timestampTokens[0]!;
    const p7s = await signCms({
      content: 'mine',
      signers: {
        key: alice.keys.privateKey,
        certificate: alice.cert.der,
        certificates: [pki.issuing.cert.der],
        unsignedAttributes: [{ oid: CMS_ATTRIBUTES.signatureTimeStampToken, values: [other] }],
      },
    });
    const report = await verifyCms(p7s, base());
    expect(report.valid).toBe(false);
    expect(report.reason).toBe('timestamp-imprint-mismatch');
    expect(report.signers[0]!.timestamp?.imprintMatches).toBe(false);
    expect(report.signers[0]!.validationTimeSource).toBe('now');
  });

  it('a timestamp under a policy not accepted: timestamp-policy-not-accepted', async () => {
    const p7s = await stamp(await signed(alice), NCA_TSA_POLICY_OIDS.gost2015);
    const report = await verifyCms(p7s, base({ timestampPolicies: [NCA_TSA_POLICY_OIDS.rsa] }));
    expect(report.reason).toBe('timestamp-policy-not-accepted');
    expect((await verifyCms(p7s, base({ timestampPolicies: [NCA_TSA_POLICY_OIDS.gost2015] }))).valid).toBe(
      true,
    );
  });

  it('unknown CA: untrusted-ca', async () => {
    const p7s = await signCms({
      content: 'x',
      signers: { key: pki.strangerIssued.keys.privateKey, certificate: pki.strangerIssued.cert.der },
    });
    const report = await verifyCms(p7s, base());
    expect(report.valid).toBe(false);
    expect(report.reason).toBe('untrusted-ca');
    expect(report.signers[0]!.signatureValid).toBe(true);
    expect(report.signers[0]!.revocation.status).toBe('not-checked');
    // The same CMS is fine for whoever trusts that root (no revocation pointers: checking off).
    const trusted = await verifyCms(p7s, { trustAnchors: [pki.strangerRoot.cert.der], revocation: false });
    expect(trusted.valid).toBe(true);
  });

  it('AUTH key used to sign: reported, and rejected by requireSignKey()', async () => {
    const auth = await pki.person({ purpose: 'auth' });
    const p7s = await signed(auth);
    const plain = await verifyCms(p7s, base());
    expect(plain.valid).toBe(true);
    expect(plain.signers[0]!.signKey).toBe(false);
    expect(plain.signers[0]!.certificate?.keyPurpose).toBe('auth');
    const strict = await verifyCms(p7s, base({ policies: [requireSignKey()] }));
    expect(strict.valid).toBe(false);
    expect(strict.reason).toBe('policy-failed');
    expect(strict.policies).toEqual([
      { id: 'sign-key', satisfied: false, message: expect.stringContaining('SIGN') },
    ]);
  });

  it('unreachable OCSP and CRL: revocation-unknown, naming both', async () => {
    const lost = await pki.person({ urls: 'unreachable' });
    const report = await verifyCms(await signed(lost), base({ revocation: { timeoutMs: 2000 } }));
    expect(report.valid).toBe(false);
    expect(report.reason).toBe('revocation-unknown');
    const c = report.signers[0]!.revocation.certificates[0]!;
    expect(c.status).toBe('unknown');
    expect(c.message).toMatch(/OCSP http:\/\/127\.0\.0\.1:\d+\/ocsp: .*could not be reached/);
    expect(c.message).toMatch(/CRL http:\/\/127\.0\.0\.1:\d+\/crl\/issuing\.crl: .*could not be reached/);
  });

  it('a certificate without revocation pointers: revocation-unknown', async () => {
    const bare = await pki.person({ urls: 'none' });
    const report = await verifyCms(await signed(bare), base());
    expect(report.reason).toBe('revocation-unknown');
    expect(report.signers[0]!.revocation.certificates[0]!.message).toContain('names no responder');
  });

  it('revocation checking off: not-checked, and valid', async () => {
    const lost = await pki.person({ urls: 'unreachable' });
    const report = await verifyCms(await signed(lost), base({ revocation: false }));
    expect(report.valid).toBe(true);
    expect(report.signers[0]!.revocation.status).toBe('not-checked');
  });

  it('the ESS signing-certificate attribute names the signer certificate and no other', async () => {
    const s = parseCms(await signed(alice)).signers[0]!;
    const ref = readSigningCertificate(s.signedAttributes!.attributes)!;
    expect(ref.version).toBe('v2');
    expect(await essCertIdMatches(ref, readCertificateFields(alice.cert.der))).toBe(true);
    expect(await essCertIdMatches(ref, readCertificateFields(manager.cert.der))).toBe(false);
  });
});

describe('policies', () => {
  it('requireFirstManagerOf(bin), requireIndividual(iin), requireTimestamp()', async () => {
    const p7s = await signed(manager);
    const ok = await verifyCms(
      p7s,
      base({ policies: [requireFirstManagerOf('940140000385'), requireIndividual('061211600012')] }),
    );
    expect(ok.valid).toBe(true);
    expect(ok.policies.every((p) => p.satisfied)).toBe(true);
    const wrongBin = await verifyCms(p7s, base({ policies: [requireFirstManagerOf('961141000023')] }));
    expect(wrongBin.reason).toBe('policy-failed');
    expect(wrongBin.message).toContain('961141000023');
    const notManager = await verifyCms(
      await signed(alice),
      base({ policies: [requireFirstManagerOf('940140000385')] }),
    );
    expect(notManager.reason).toBe('policy-failed');
    const wrongIin = await verifyCms(p7s, base({ policies: [requireIndividual('871008401427')] }));
    expect(wrongIin.reason).toBe('policy-failed');
    const noTs = await verifyCms(p7s, base({ policies: [requireTimestamp()] }));
    expect(noTs.reason).toBe('policy-failed');
    expect((await verifyCms(await stamp(p7s), base({ policies: [requireTimestamp()] }))).valid).toBe(true);
  });

  it('signing right counts for requireFirstManagerOf(bin, { allowSigningRight })', async () => {
    const deputy = await pki.person({ template: 'signer', iin: '871008401427', bin: '940140000385' });
    const p7s = await signed(deputy);
    expect((await verifyCms(p7s, base({ policies: [requireFirstManagerOf('940140000385')] }))).valid).toBe(
      false,
    );
    expect(
      (
        await verifyCms(
          p7s,
          base({ policies: [requireFirstManagerOf('940140000385', { allowSigningRight: true })] }),
        )
      ).valid,
    ).toBe(true);
  });
});
