/**
 * The key files saved at submission and the installation from them on the status page, without
 * the browser: the pending files are named as the final ones (RSA pair and GOST key), open only
 * with their password, are matched to the certificates by public key (keys of nothing, missing
 * keys, a copy of the same file), and become the final key files with their certificates.
 */
import {
  buildNcaSubject,
  exportSpki,
  GostPrivateKey,
  generateKeyPair,
  gostTemplateProfile,
  issueCertificate,
  ncaKeyFileName,
  openPkcs12,
  rootCaProfile,
  type SigningKey,
  templateProfile,
  toBase64,
} from '@kzpki/pki';
import { describe, expect, it } from 'vitest';
import type { CertificateBundle, KeyFileInstallationChallenge } from '../src/app/api/types.js';
import {
  buildInstalledKeyFiles,
  buildPendingKeyFiles,
  keyMatcher,
  matchKeys,
  openPendingKeys,
} from '../src/app/crypto/pending-key-files.js';

const PASSWORD = 'Portal2025x';
type Item = KeyFileInstallationChallenge['items'][number];

const item = (purpose: Item['purpose'], publicKey: string, serialHex: string = purpose): Item => ({
  serialHex,
  purpose,
  toBeSigned: '',
  publicKey,
});

describe('matching key files to the certificates (pure)', () => {
  const same = (k: { file: string; pub: string }, spki: string) => k.pub === spki;

  it('pairs every certificate with its key', () => {
    const keys = [
      { file: 'a/RSA256_2.p12', pub: 'S' },
      { file: 'a/AUTH_RSA256_1.p12', pub: 'A' },
    ];
    const r = matchKeys(keys, [item('auth', 'A'), item('sign', 'S')], same);
    expect(r.problems).toEqual([]);
    expect(r.pairs.map((p) => [p.item.purpose, p.key.file])).toEqual([
      ['auth', 'a/AUTH_RSA256_1.p12'],
      ['sign', 'a/RSA256_2.p12'],
    ]);
  });

  it('a key of nothing and a certificate without its key are both reported', () => {
    const r = matchKeys(
      [
        { file: 'other.p12', pub: 'X' },
        { file: 'auth.p12', pub: 'A' },
      ],
      [item('auth', 'A'), item('sign', 'S')],
      same,
    );
    expect(r.problems).toEqual([
      { file: 'other.p12', problem: 'no-match' },
      { purpose: 'sign', problem: 'missing' },
    ]);
  });

  it('a copy of the same key file is not a stray key', () => {
    const r = matchKeys(
      [
        { file: 'GOST512_1.p12', pub: 'G' },
        { file: 'copy/GOST512_1.p12', pub: 'G' },
      ],
      [item('auth+sign', 'G')],
      same,
    );
    expect(r.problems).toEqual([]);
    expect(r.pairs).toHaveLength(1);
  });
});

describe('pending key files through to the installed ones (with @kzpki/pki)', () => {
  it('an RSA pair: named as the final files, opened with the password only, matched, installed', async () => {
    const auth = await generateKeyPair('RSA-2048', { extractable: true });
    const sign = await generateKeyPair('RSA-2048', { extractable: true });
    const pending = await buildPendingKeyFiles({
      keys: { kind: 'rsa', auth, sign },
      password: PASSWORD,
      format: 'legacy',
    });
    expect(pending.map((f) => f.fileName.replace(/[0-9a-f]{40}/, '<ski>'))).toEqual([
      'AUTH_RSA256_<ski>.p12',
      'RSA256_<ski>.p12',
    ]);

    // The CA's certificates for those keys (self-signed here: the names depend on the key only).
    const subject = buildNcaSubject({
      surname: 'ТЕСТОВ',
      givenName: 'ТЕСТ',
      iin: '850315300128',
      checksum: false,
    });
    const issue = (keys: CryptoKeyPair, purpose: 'auth' | 'sign') =>
      issueCertificate({
        publicKey: keys.publicKey,
        subject,
        profile: templateProfile('individual', purpose),
        issuerKey: keys.privateKey,
      });
    const [authCert, signCert] = [await issue(auth, 'auth'), await issue(sign, 'sign')];
    expect(pending.map((f) => f.fileName)).toEqual([
      ncaKeyFileName(authCert.der),
      ncaKeyFileName(signCert.der),
    ]);

    const picked = [
      ...pending.map((f) => ({ name: `keys/${f.fileName}`, bytes: f.bytes })),
      { name: 'keys/readme.txt', bytes: new TextEncoder().encode('not a key') },
    ];
    // A wrong password: every key file is named, none opened.
    const wrong = await openPendingKeys(picked, 'Portal2025y');
    expect(wrong.keys).toEqual([]);
    expect(wrong.problems).toEqual(pending.map((f) => ({ file: `keys/${f.fileName}`, problem: 'password' })));
    // A damaged file.
    const damaged = await openPendingKeys(
      [{ name: 'x.p12', bytes: (pending[0] as { bytes: Uint8Array }).bytes.slice(0, 100) }],
      PASSWORD,
    );
    expect(damaged.problems).toEqual([{ file: 'x.p12', problem: 'damaged' }]);

    const opened = await openPendingKeys(picked, PASSWORD);
    expect(opened.problems).toEqual([]);
    expect(opened.keys).toHaveLength(2);
    const items = [
      item('sign', toBase64(await exportSpki(sign.publicKey)), signCert.serialHex),
      item('auth', toBase64(await exportSpki(auth.publicKey)), authCert.serialHex),
    ];
    const matcher = await keyMatcher();
    const { pairs, problems } = matchKeys(opened.keys, items, matcher);
    expect(problems).toEqual([]);
    // Someone else's key matches neither certificate.
    const stranger = await generateKeyPair('RSA-2048', { extractable: true });
    const strangerFiles = await buildPendingKeyFiles({
      keys: { kind: 'rsa', auth: stranger, sign: stranger },
      password: PASSWORD,
      format: 'modern',
    });
    const withStranger = await openPendingKeys(
      [...picked, { name: 'other/AUTH.p12', bytes: (strangerFiles[0] as { bytes: Uint8Array }).bytes }],
      PASSWORD,
    );
    expect(matchKeys(withStranger.keys, items, matcher).problems).toEqual([
      { file: 'other/AUTH.p12', problem: 'no-match' },
    ]);

    const bundle: CertificateBundle = {
      applicationNumber: '27888601100404',
      certificates: [authCert, signCert].map((c, n) => ({
        purpose: n === 0 ? ('auth' as const) : ('sign' as const),
        serialHex: c.serialHex,
        subject: '',
        skiHex: c.subjectKeyId,
        fileName: ncaKeyFileName(c.der),
        notBefore: c.notBefore.toISOString(),
        notAfter: c.notAfter.toISOString(),
        pem: c.pem,
        der: toBase64(c.der),
      })),
      chain: [],
    };
    const installed = await buildInstalledKeyFiles({ pairs, bundle, password: PASSWORD, format: 'legacy' });
    expect(installed.map((f) => f.fileName)).toEqual(pending.map((f) => f.fileName));
    for (const [n, f] of installed.entries()) {
      const p12 = await openPkcs12(f.bytes, PASSWORD);
      expect(ncaKeyFileName(p12.certificate)).toBe(f.fileName);
      expect(f.purpose).toBe(n === 0 ? 'auth' : 'sign');
    }
  });

  it('a GOST key: GOST512_<ski>.p12 as the CA names it, matched and installed', async () => {
    const key = GostPrivateKey.generate('gost2015-512');
    const [pending] = await buildPendingKeyFiles({
      keys: { kind: 'gost', key },
      password: PASSWORD,
      format: 'legacy',
    });
    const caKey = GostPrivateKey.generate('gost2015-512');
    const root = await issueCertificate({
      publicKey: caKey.publicKeyInfo,
      subject: [{ type: '2.5.4.3', value: 'kzpki GOST TEST root' }],
      profile: rootCaProfile(),
      issuerKey: caKey,
    });
    const leaf = await issueCertificate({
      publicKey: key.publicKeyInfo,
      subject: buildNcaSubject({
        surname: 'ТЕСТОВ',
        givenName: 'ТЕСТ',
        iin: '880612304567',
        bin: '150440000013',
        organization: 'ТОО «KZPKI ДЕМО»',
        checksum: false,
      }),
      profile: gostTemplateProfile('signer'),
      issuer: root.der,
      issuerKey: caKey as SigningKey,
    });
    expect(pending?.fileName).toBe(ncaKeyFileName(leaf.der));
    const opened = await openPendingKeys(
      [{ name: pending?.fileName ?? '', bytes: pending?.bytes ?? new Uint8Array() }],
      PASSWORD,
    );
    const { pairs, problems } = matchKeys(
      opened.keys,
      [item('auth+sign', toBase64(key.publicKeyInfo), leaf.serialHex)],
      await keyMatcher(),
    );
    expect(problems).toEqual([]);
    const installed = await buildInstalledKeyFiles({
      pairs,
      bundle: {
        applicationNumber: '27888601100404',
        certificates: [],
        gostCertificates: [
          {
            purpose: 'auth+sign',
            serialHex: leaf.serialHex,
            subject: '',
            skiHex: leaf.subjectKeyId,
            fileName: ncaKeyFileName(leaf.der),
            notBefore: leaf.notBefore.toISOString(),
            notAfter: leaf.notAfter.toISOString(),
            pem: leaf.pem,
            der: toBase64(leaf.der),
          },
        ],
        chain: [
          {
            name: 'gost-root',
            fileName: 'root.cer',
            subject: '',
            serialHex: root.serialHex,
            skiHex: root.subjectKeyId,
            notBefore: root.notBefore.toISOString(),
            notAfter: root.notAfter.toISOString(),
            pem: root.pem,
          },
        ],
      },
      password: PASSWORD,
      format: 'legacy',
    });
    expect(installed.map((f) => f.fileName)).toEqual([pending?.fileName]);
    const p12 = await openPkcs12((installed[0] as { bytes: Uint8Array }).bytes, PASSWORD);
    expect(p12.signingKey).toBeInstanceOf(GostPrivateKey);
    // As the NCA's key files: the certificate only; the bundle's chain is offered apart (issue 13).
    expect(p12.chain).toHaveLength(0);
  });
});
