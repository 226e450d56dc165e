/**
 * Making, reading and extending CMS SignedData: attached and detached, several signers, adding a
 * signer without touching the others (their timestamps included), content extraction, malformed
 * input, and the round-trip property over random content.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMS_ATTRIBUTES, CMS_CONTENT_TYPES } from '../../src/cms/oids.js';
import { extractCmsContent, parseCms } from '../../src/cms/parse.js';
import { addCmsSigner, signCms } from '../../src/cms/sign.js';
import { addSignatureTimestamp, addTimestampToken } from '../../src/cms/timestamp.js';
import { verifyCms } from '../../src/cms/verify.js';
import { bytesEqual, toBase64, toPem } from '../../src/der/encoding.js';
import { isPkiError } from '../../src/errors.js';
import { type CmsTestPki, type Holder, makeCmsTestPki } from './support/pki.js';

let pki: CmsTestPki;
let alice: Holder;
let bob: Holder;
beforeAll(async () => {
  pki = await makeCmsTestPki();
  [alice, bob] = await Promise.all([
    pki.person({ iin: '871008401427' }),
    pki.person({ template: 'first-manager', iin: '061211600012', bin: '940140000385' }),
  ]);
});
afterAll(async () => {
  await pki?.close();
});

const offline = () => ({
  trustAnchors: [pki.root.cert.der],
  intermediates: [pki.issuing.cert.der],
  revocation: false as const,
});
const signer = (h: Holder) => ({ key: h.keys.privateKey, certificate: h.cert.der });

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  try {
    await p;
  } catch (e) {
    expect(isPkiError(e) ? e.code : e).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('signCms', () => {
  it('makes an attached CAdES-BES SignedData with the four signed attributes', async () => {
    const p7s = await signCms({ content: 'Келісім шарт', signers: signer(alice) });
    const cms = parseCms(p7s);
    expect(cms.version).toBe(1);
    expect(cms.contentType).toBe(CMS_CONTENT_TYPES.data);
    expect(cms.detached).toBe(false);
    expect(new TextDecoder().decode(cms.content)).toBe('Келісім шарт');
    expect(cms.certificates).toHaveLength(1);
    expect(bytesEqual(cms.certificates[0]!, alice.cert.der)).toBe(true);
    const s = cms.signers[0]!;
    expect(s.version).toBe(1);
    expect(s.sid.type).toBe('issuerAndSerialNumber');
    expect(s.digestAlgorithm.name).toBe('SHA-256');
    expect(s.signatureAlgorithm.oid).toBe('1.2.840.113549.1.1.11');
    expect(s.signedAttributes!.attributes.map((a) => a.oid).sort()).toEqual(
      [
        CMS_ATTRIBUTES.contentType,
        CMS_ATTRIBUTES.messageDigest,
        CMS_ATTRIBUTES.signingTime,
        CMS_ATTRIBUTES.signingCertificateV2,
      ].sort(),
    );
    expect(s.signingTime!.getTime()).toBeLessThanOrEqual(Date.now());
    const report = await verifyCms(p7s, offline());
    expect(report.valid).toBe(true);
    expect(report.signers[0]!.signingCertificate).toEqual({ version: 'v2', matches: true });
  });

  it('makes a detached signature that verifies with the content only', async () => {
    const content = new Uint8Array(70_000).map((_, i) => i % 251);
    const p7s = await signCms({ content, detached: true, signers: signer(alice) });
    const cms = parseCms(p7s);
    expect(cms.detached).toBe(true);
    expect(cms.content).toBeUndefined();
    expect((await verifyCms(p7s, { ...offline(), content })).valid).toBe(true);
    const missing = await verifyCms(p7s, offline());
    expect(missing.valid).toBe(false);
    expect(missing.reason).toBe('content-missing');
  });

  it('signs with several signers at once, one digest algorithm listed once', async () => {
    const p7s = await signCms({ content: 'x', signers: [signer(alice), signer(bob)] });
    const cms = parseCms(p7s);
    expect(cms.signers).toHaveLength(2);
    expect(cms.digestAlgorithms).toHaveLength(1);
    expect(cms.certificates).toHaveLength(2);
    const report = await verifyCms(p7s, offline());
    expect(report.valid).toBe(true);
    expect(report.signers.map((s) => s.certificate?.iin)).toEqual(['871008401427', '061211600012']);
  });

  it('leaves the signing time out when asked, and writes a given one', async () => {
    const none = parseCms(await signCms({ content: 'x', signers: { ...signer(alice), signingTime: false } }));
    expect(none.signers[0]!.signingTime).toBeUndefined();
    const t = new Date('2030-01-02T03:04:05Z');
    const given = parseCms(await signCms({ content: 'x', signers: { ...signer(alice), signingTime: t } }));
    expect(given.signers[0]!.signingTime?.toISOString()).toBe(t.toISOString());
  });

  it('refuses a key that does not belong to the certificate', async () => {
    await rejects(
      signCms({ content: 'x', signers: { key: bob.keys.privateKey, certificate: alice.cert.der } }),
      'ERR_KEY_INVALID',
    );
  });

  it('refuses bad options with typed errors', async () => {
    await rejects(signCms({ content: 'x', signers: [] }), 'ERR_INVALID_ARGUMENT');
    await rejects(
      signCms({ content: 'x', signers: { key: 'nope' as never, certificate: alice.cert.der } }),
      'ERR_INVALID_ARGUMENT',
    );
    await rejects(
      signCms({ content: 'x', signers: { ...signer(alice), certificate: new Uint8Array([1, 2, 3]) } }),
      'ERR_CERTIFICATE_INVALID',
    );
    await rejects(signCms({ content: 5 as never, signers: signer(alice) }), 'ERR_INVALID_ARGUMENT');
  });

  it('round-trips random content attached and detached; one changed byte is a digest mismatch', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 2000 }),
        fc.boolean(),
        fc.nat(),
        async (content, detached, at) => {
          const p7s = await signCms({ content, detached, signers: signer(alice) });
          if (!detached) expect(bytesEqual(extractCmsContent(p7s), content)).toBe(true);
          const ok = await verifyCms(p7s, { ...offline(), ...(detached ? { content } : {}) });
          expect(ok.valid).toBe(true);
          const changed = content.slice();
          changed[at % changed.length]! ^= 0x01;
          const bad = await verifyCms(p7s, { ...offline(), content: changed });
          expect(bad.valid).toBe(false);
          expect(bad.reason).toBe('digest-mismatch');
          expect(bad.signers[0]!.signatureValid).toBe(false);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('parseCms and extractCmsContent', () => {
  it('reads PEM and base64 forms as the DER', async () => {
    const p7s = await signCms({ content: 'pem', signers: signer(alice) });
    expect(parseCms(toPem(p7s, 'CMS')).signers).toHaveLength(1);
    expect(parseCms(toBase64(p7s)).signers).toHaveLength(1);
  });

  it('extracting from a detached CMS is ERR_CMS_CONTENT_MISSING', async () => {
    const p7s = await signCms({ content: 'x', detached: true, signers: signer(alice) });
    expect(() => extractCmsContent(p7s)).toThrowError(
      expect.objectContaining({ code: 'ERR_CMS_CONTENT_MISSING' }),
    );
  });

  it('malformed input is ERR_CMS_INVALID, and a malformed report from verifyCms', async () => {
    const p7s = await signCms({ content: 'x', signers: signer(alice) });
    for (const bad of [
      new Uint8Array(0),
      Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01),
      p7s.subarray(0, p7s.length - 7),
      alice.cert.der,
    ]) {
      expect(() => parseCms(bad)).toThrowError(expect.objectContaining({ code: 'ERR_CMS_INVALID' }));
      const report = await verifyCms(bad, offline());
      expect(report.valid).toBe(false);
      expect(report.reason).toBe('malformed');
    }
  });

  it('never throws anything but PkiError on mutated input', async () => {
    const p7s = await signCms({ content: 'fuzz', signers: signer(alice) });
    fc.assert(
      fc.property(fc.nat(p7s.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const m = p7s.slice();
        m[i]! ^= x;
        try {
          parseCms(m);
        } catch (e) {
          expect(isPkiError(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('addCmsSigner', () => {
  it('appends a signer and keeps the first signer, its timestamp, certificates and content byte for byte', async () => {
    const first = await signCms({ content: 'договор', signers: signer(alice) });
    const stamped = await addSignatureTimestamp(first, { timestamp: { url: `${pki.url}/tsa` } });
    const before = parseCms(stamped);
    expect(before.signers[0]!.timestampTokens).toHaveLength(1);
    const both = await addCmsSigner(stamped, signer(bob));
    const after = parseCms(both);
    expect(after.signers).toHaveLength(2);
    expect(bytesEqual(after.raw.signerInfos[0]!, before.raw.signerInfos[0]!)).toBe(true);
    expect(bytesEqual(after.raw.encapContentInfo, before.raw.encapContentInfo)).toBe(true);
    for (const c of before.raw.certificates)
      expect(after.raw.certificates.some((x) => bytesEqual(x, c))).toBe(true);
    expect(bytesEqual(after.signers[0]!.timestampTokens[0]!, before.signers[0]!.timestampTokens[0]!)).toBe(
      true,
    );
    const report = await verifyCms(both, offline());
    expect(report.valid).toBe(true);
    expect(report.signers[0]!.timestamp?.valid).toBe(true);
    expect(report.signers[0]!.validationTimeSource).toBe('timestamp');
    expect(report.signers[1]!.timestamp).toBeUndefined();
    // Timestamping the second signer leaves the first (and its token) as it was.
    const third = await addSignatureTimestamp(both, { timestamp: { url: `${pki.url}/tsa` } });
    const final = parseCms(third);
    expect(bytesEqual(final.raw.signerInfos[0]!, before.raw.signerInfos[0]!)).toBe(true);
    expect(final.signers[1]!.timestampTokens).toHaveLength(1);
    expect((await verifyCms(third, offline())).valid).toBe(true);
  });

  it('adds a signer to a detached CMS given the content, and refuses without it', async () => {
    const first = await signCms({ content: 'detached', detached: true, signers: signer(alice) });
    await rejects(addCmsSigner(first, signer(bob)), 'ERR_CMS_CONTENT_MISSING');
    const both = await addCmsSigner(first, signer(bob), { content: 'detached' });
    expect(parseCms(both).detached).toBe(true);
    expect((await verifyCms(both, { ...offline(), content: 'detached' })).valid).toBe(true);
  });

  it('refuses content that differs from the attached content', async () => {
    const first = await signCms({ content: 'one', signers: signer(alice) });
    await rejects(addCmsSigner(first, signer(bob), { content: 'two' }), 'ERR_INVALID_ARGUMENT');
  });
});

describe('addTimestampToken', () => {
  it('refuses a token over another signature', async () => {
    const a = await addSignatureTimestamp(await signCms({ content: 'a', signers: signer(alice) }), {
      timestamp: { url: `${pki.url}/tsa` },
    });
    const token = parseCms(a).signers[0]!.timestampTokens[0]!;
    const b = await signCms({ content: 'b', signers: signer(alice) });
    await rejects(addTimestampToken(b, 0, token), 'ERR_INVALID_ARGUMENT');
    await rejects(addTimestampToken(b, 3, token), 'ERR_INVALID_ARGUMENT');
  });
});
