/**
 * A small PKI made with `@kzpki/pki` for the emulator tests: an RSA root and issuing CA, a GOST
 * R 34.10-2015 root, NCA-style key files in a temporary folder (an individual's AUTH and SIGN RSA
 * pair, a first manager's RSA pair, a GOST-2015 SIGN key), and a TSA on 127.0.0.1 answering
 * RFC 3161 over HTTP with `prepareTimestampAuthority`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildNcaSubject,
  createPkcs12,
  type DistinguishedName,
  GostPrivateKey,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  issuingCaProfile,
  NCA_TSA_POLICY_OIDS,
  ncaKeyFileName,
  prepareTimestampAuthority,
  rootCaProfile,
  type TemplateName,
  templateProfile,
  tsaCertificateProfile,
} from '@kzpki/pki';

export const PASSWORD = 'Qwerty12';
export const PERSON_IIN = '871008401427';
export const MANAGER_IIN = '061211600012';
export const BIN = '940140000385';

/** A key file written into the folder. */
export interface TestKeyFile {
  name: string;
  path: string;
  certificate: IssuedCertificate;
}

/** The test PKI. */
export interface TestPki {
  dir: string;
  rsaRoot: IssuedCertificate;
  rsaCa: IssuedCertificate;
  gostRoot: IssuedCertificate;
  files: {
    personAuth: TestKeyFile;
    personSign: TestKeyFile;
    managerAuth: TestKeyFile;
    managerSign: TestKeyFile;
    gostSign: TestKeyFile;
  };
  tsaUrl: string;
  tsaCertificate: IssuedCertificate;
  tsaRequests(): number;
  close(): Promise<void>;
}

const caName = (cn: string): DistinguishedName => [
  { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
  { type: '2.5.4.3', value: cn },
];

export async function makeTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'kzpki-ncalayer-keys-'));
  const [rootKeys, caKeys, tsaKeys] = await Promise.all([
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
  ]);
  const rsaRoot = await issueCertificate({
    publicKey: rootKeys.publicKey,
    subject: caName('KZPKI NCALAYER TEST ROOT (RSA)'),
    profile: rootCaProfile(),
    issuerKey: rootKeys.privateKey,
  });
  const rsaCa = await issueCertificate({
    publicKey: caKeys.publicKey,
    subject: caName('KZPKI NCALAYER TEST CA (RSA)'),
    profile: issuingCaProfile(),
    issuer: rsaRoot.der,
    issuerKey: rootKeys.privateKey,
  });
  const gostRootKey = GostPrivateKey.generate('gost2015-512');
  const gostRoot = await issueCertificate({
    publicKey: gostRootKey.publicKeyInfo,
    subject: caName('KZPKI NCALAYER TEST ROOT (GOST)'),
    profile: rootCaProfile(),
    issuerKey: gostRootKey,
  });

  const person = (template: TemplateName, iin: string) =>
    buildNcaSubject({
      surname: 'Тестов',
      givenName: 'Тест',
      patronymic: 'Тестович',
      iin,
      ...(template === 'individual' ? {} : { bin: BIN, organization: 'АО "ТЕСТ"' }),
      template,
    });

  const rsaFile = async (
    template: TemplateName,
    iin: string,
    purpose: 'auth' | 'sign',
  ): Promise<TestKeyFile> => {
    const keys = await generateKeyPair('RSA-2048');
    const certificate = await issueCertificate({
      publicKey: keys.publicKey,
      subject: person(template, iin),
      profile: templateProfile(template, purpose),
      issuer: rsaCa.der,
      issuerKey: caKeys.privateKey,
      keyIdMethod: 'spki-sha1',
    });
    const p12 = await createPkcs12({
      privateKey: keys.privateKey,
      certificate: certificate.der,
      chain: [rsaCa.der, rsaRoot.der],
      password: PASSWORD,
      format: 'legacy',
    });
    const name = ncaKeyFileName(certificate.der);
    const path = join(dir, name);
    writeFileSync(path, p12, { mode: 0o600 });
    return { name, path, certificate };
  };

  const gostKey = GostPrivateKey.generate('gost2015-512');
  const gostCert = await issueCertificate({
    publicKey: gostKey.publicKeyInfo,
    subject: person('individual', PERSON_IIN),
    profile: templateProfile('individual', 'sign'),
    issuer: gostRoot.der,
    issuerKey: gostRootKey,
  });
  const gostP12 = await createPkcs12({
    privateKey: gostKey,
    certificate: gostCert.der,
    chain: [gostRoot.der],
    password: PASSWORD,
    format: 'legacy',
  });
  const gostName = ncaKeyFileName(gostCert.der);
  writeFileSync(join(dir, gostName), gostP12, { mode: 0o600 });

  const files = {
    personAuth: await rsaFile('individual', PERSON_IIN, 'auth'),
    personSign: await rsaFile('individual', PERSON_IIN, 'sign'),
    managerAuth: await rsaFile('first-manager', MANAGER_IIN, 'auth'),
    managerSign: await rsaFile('first-manager', MANAGER_IIN, 'sign'),
    gostSign: { name: gostName, path: join(dir, gostName), certificate: gostCert },
  };

  const tsaCertificate = await issueCertificate({
    publicKey: tsaKeys.publicKey,
    subject: caName('KZPKI NCALAYER TEST TSA'),
    profile: tsaCertificateProfile(),
    issuer: rsaCa.der,
    issuerKey: caKeys.privateKey,
  });
  const authority = await prepareTimestampAuthority({
    key: tsaKeys.privateKey,
    certificate: tsaCertificate.der,
    chain: [rsaCa.der],
    policy: NCA_TSA_POLICY_OIDS.rsa,
    acceptedPolicies: Object.values(NCA_TSA_POLICY_OIDS),
  });
  let hits = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits++;
      authority.respond(new Uint8Array(Buffer.concat(chunks))).then(
        (answer) => {
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
          res.end(answer);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const tsaUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`;

  return {
    dir,
    rsaRoot,
    rsaCa,
    gostRoot,
    files,
    tsaUrl,
    tsaCertificate,
    tsaRequests: () => hits,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
