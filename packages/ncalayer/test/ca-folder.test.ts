/**
 * Key files laid out as the NCA's (issue 13): the PKCS #12 holds the end-entity certificate only,
 * so a request naming the root in `signerParams.chain` is checked with the issuing CA from the
 * nearest `ca/` folder, as `kzpki testpack` (`DIR/ca/` two folders up from
 * `DIR/<template>/<state>/*.p12`) and `kzpki enroll` (`<out>/ca/`) lay it out. Without that folder
 * the chain cannot be built and the key is refused.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildNcaSubject,
  createPkcs12,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  issuingCaProfile,
  ncaKeyFileName,
  rootCaProfile,
  templateProfile,
  toPem,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  caCertificatesIn,
  caCertificatesNear,
  type KeyRequirements,
  listKeyFiles,
  openKeyFile,
  refusalOf,
} from '../src/emulator/keys.js';

const PASSWORD = 'Qwerty12';

let base: string;
let root: IssuedCertificate;
let issuing: IssuedCertificate;
let p12: Uint8Array;
let fileName: string;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'kzpki-ncalayer-ca-folder-'));
  const [rootKeys, caKeys, keys] = await Promise.all([
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
  ]);
  const caName = (cn: string) => [
    { type: '2.5.4.6', value: 'KZ', encoding: 'printable' as const },
    { type: '2.5.4.3', value: cn },
  ];
  root = await issueCertificate({
    publicKey: rootKeys.publicKey,
    subject: caName('KZPKI CA FOLDER TEST ROOT'),
    profile: rootCaProfile(),
    issuerKey: rootKeys.privateKey,
  });
  issuing = await issueCertificate({
    publicKey: caKeys.publicKey,
    subject: caName('KZPKI CA FOLDER TEST CA'),
    profile: issuingCaProfile(),
    issuer: root.der,
    issuerKey: rootKeys.privateKey,
  });
  const certificate = await issueCertificate({
    publicKey: keys.publicKey,
    subject: buildNcaSubject({ surname: 'Тестов', givenName: 'Тест', iin: '871008401427' }),
    profile: templateProfile('individual', 'sign'),
    issuer: issuing.der,
    issuerKey: caKeys.privateKey,
    keyIdMethod: 'spki-sha1',
  });
  // As the NCA's: one certificate, no chain.
  p12 = await createPkcs12({
    privateKey: keys.privateKey,
    certificate: certificate.der,
    chain: [],
    password: PASSWORD,
    format: 'legacy',
  });
  fileName = ncaKeyFileName(certificate.der);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Writes the key file into `keysDir` (under `base`) and opens it as the emulator does. */
async function openIn(keysDir: string) {
  const dir = join(base, keysDir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, fileName), p12);
  const [entry] = listKeyFiles(dir);
  return openKeyFile(entry as NonNullable<typeof entry>, PASSWORD);
}

/** Writes the pack's `ca/` folder: both CA certificates (PEM) and a CRL-like file it must skip. */
function writeCaFolder(dir: string): void {
  const ca = join(base, dir, 'ca');
  mkdirSync(ca, { recursive: true });
  writeFileSync(join(ca, 'root.crt'), toPem(root.der, 'CERTIFICATE'));
  writeFileSync(join(ca, 'issuing.crt'), toPem(issuing.der, 'CERTIFICATE'));
  writeFileSync(join(ca, 'issuing.crl'), new Uint8Array([0x30, 0x00]));
}

const underRoot = (): KeyRequirements => ({ purpose: 'sign', chain: [root.der] });

describe('the CA certificates beside the key files', () => {
  it('without a ca/ folder the one-certificate key file cannot be chained to the root: refused', async () => {
    const key = await openIn('alone/keys');
    expect(key.signer.certificates).toHaveLength(0);
    expect(key.caCertificates).toHaveLength(0);
    expect(await refusalOf(key, underRoot(), [], new Date())).toMatch(
      /not under the CAs of signerParams.chain/,
    );
  });

  it("a test pack's layout (DIR/ca/, keys in DIR/<template>/<state>/): admitted", async () => {
    writeCaFolder('pack');
    const key = await openIn('pack/individual/valid');
    expect(key.caCertificates.map((c) => toPem(c, 'CERTIFICATE'))).toEqual([
      toPem(issuing.der, 'CERTIFICATE'),
      toPem(root.der, 'CERTIFICATE'),
    ]);
    expect(await refusalOf(key, underRoot(), [], new Date())).toBeUndefined();
  });

  it("kzpki enroll's layout (<out>/ca/ beside the key files): admitted", async () => {
    writeCaFolder('enrolled');
    const key = await openIn('enrolled');
    expect(await refusalOf(key, underRoot(), [], new Date())).toBeUndefined();
  });

  it('looks no further than two folders up', () => {
    writeCaFolder('deep');
    expect(caCertificatesNear(join(base, 'deep/a/b/k.p12'))).toHaveLength(2);
    expect(caCertificatesNear(join(base, 'deep/a/b/c/k.p12'))).toHaveLength(0);
  });

  it('a CA folder given (startEmulator caDir, kzpki ncalayer --ca DIR) serves keys with no ca/ near them', async () => {
    writeCaFolder('given');
    const dir = join(base, 'elsewhere/keys');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, fileName), p12);
    const [entry] = listKeyFiles(dir, join(base, 'given/ca'));
    const key = await openKeyFile(entry as NonNullable<typeof entry>, PASSWORD);
    expect(key.caCertificates).toHaveLength(2);
    expect(await refusalOf(key, underRoot(), [], new Date())).toBeUndefined();
    // Without it, the same file is refused (nothing near it).
    const [plain] = listKeyFiles(dir);
    expect(await refusalOf(await openKeyFile(plain!, PASSWORD), underRoot(), [], new Date())).toMatch(
      /not under the CAs of signerParams.chain/,
    );
    expect(() => caCertificatesIn(join(base, 'no-such-folder'))).toThrow();
  });
});
