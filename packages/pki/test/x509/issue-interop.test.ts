/**
 * Certificates made by issueCertificate, checked by independent implementations: OpenSSL
 * (`x509 -text`, `verify -x509_strict` with purposes), GnuTLS (`certtool -i`, `--verify`),
 * NSS (`certutil -V`) and Java (`keytool -printcert`).
 */
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr } from '../../src/csr/csr.js';
import { generateKeyPair } from '../../src/keys/keys.js';
import type { KeyPurpose } from '../../src/profiles/profile.js';
import {
  issuingCaProfile,
  ncaOperatorProfile,
  ocspResponderProfile,
  rootCaProfile,
  TEMPLATE_NAMES,
  type TemplateName,
  templateProfile,
} from '../../src/profiles/templates.js';
import { type IssuedCertificate, issueCertificate } from '../../src/x509/issue.js';
import { buildNcaSubject } from '../../src/x509/subject.js';

const URLS = {
  crl: ['http://ca.kzpki.test/crl/nca_rsa.crl'],
  deltaCrl: ['http://ca.kzpki.test/crl/nca_d_rsa.crl'],
  ocsp: ['http://ocsp.kzpki.test/'],
  caIssuers: ['http://ca.kzpki.test/cert/nca_rsa.cer'],
  cps: 'http://ca.kzpki.test/cps',
};

interface Leaf {
  name: string;
  purpose?: KeyPurpose;
  issued: IssuedCertificate;
  path: string;
}

const anyTool = ['openssl', 'certtool', 'certutil', 'keytool'] as const;

describe.skipIf(!anyTool.some((t) => hasTool(t)))('issued certificates vs OpenSSL, GnuTLS, NSS, Java', () => {
  const tmp = tempDir('kzpki-issue-');
  const leaves: Leaf[] = [];
  let rootPath = '';
  let caPath = '';
  let caPem = '';
  let expired: Leaf;
  let responder: Leaf;

  beforeAll(async () => {
    const [rootKeys, caKeys, rsaLeaf, ecLeaf] = await Promise.all([
      generateKeyPair('ECDSA-P256'),
      generateKeyPair('RSA-2048'),
      generateKeyPair('RSA-2048'),
      generateKeyPair('ECDSA-P384'),
    ]);
    const root = await issueCertificate({
      publicKey: rootKeys.publicKey,
      subject: [
        { type: '2.5.4.3', value: 'KZPKI TEST ROOT' },
        { type: '2.5.4.6', value: 'KZ' },
      ],
      profile: rootCaProfile(),
      issuerKey: rootKeys.privateKey,
    });
    const ca = await issueCertificate({
      publicKey: caKeys.publicKey,
      subject: [
        { type: '2.5.4.6', value: 'KZ' },
        { type: '2.5.4.3', value: 'ҰКО TEST (RSA)' },
      ],
      profile: issuingCaProfile(),
      issuer: root.der,
      issuerKey: rootKeys.privateKey,
      urls: { crl: ['http://ca.kzpki.test/crl/root.crl'], caIssuers: ['http://ca.kzpki.test/cert/root.cer'] },
    });
    rootPath = tmp.write('root.pem', root.pem);
    caPem = ca.pem;
    caPath = tmp.write('ca.pem', caPem);

    const person = {
      surname: 'Тестов',
      givenName: 'Тест',
      patronymic: 'Тестович',
      iin: '871008401427',
      email: 'test@example.kz',
    };
    const legal = { ...person, bin: '940140000385', organization: 'АО "ТЕСТ"' };
    const subjectFor = (t: TemplateName) =>
      t === 'individual'
        ? buildNcaSubject({ ...person, template: t })
        : t === 'treasury'
          ? buildNcaSubject({ ...legal, roleCode: 'ROLE02', businessCategory: 'KS1234', template: t })
          : buildNcaSubject({ ...legal, template: t });
    for (const template of TEMPLATE_NAMES) {
      for (const purpose of ['auth', 'sign'] as const) {
        const keys = template === 'employee' ? ecLeaf : rsaLeaf; // one EC key in the mix
        const csr = await createCsr({ keys, subject: subjectFor(template), template, purpose });
        const issued = await issueCertificate({
          csr,
          profile: templateProfile(template, purpose),
          issuer: ca.der,
          issuerKey: caKeys.privateKey,
          urls: URLS,
        });
        const name = `${template}-${purpose}`;
        leaves.push({ name, purpose, issued, path: tmp.write(`${name}.pem`, issued.pem) });
      }
    }
    const operator = await issueCertificate({
      publicKey: rsaLeaf.publicKey,
      subject: [{ type: '2.5.4.3', value: 'OPERATOR' }],
      profile: ncaOperatorProfile(),
      issuer: ca.der,
      issuerKey: caKeys.privateKey,
      urls: URLS,
    });
    leaves.push({
      name: 'operator',
      purpose: 'auth',
      issued: operator,
      path: tmp.write('operator.pem', operator.pem),
    });
    const ocsp = await issueCertificate({
      publicKey: ecLeaf.publicKey,
      subject: [{ type: '2.5.4.3', value: 'OCSP RESPONDER' }],
      profile: ocspResponderProfile(),
      issuer: ca.der,
      issuerKey: caKeys.privateKey,
    });
    responder = { name: 'ocsp', issued: ocsp, path: tmp.write('ocsp.pem', ocsp.pem) };
    const old = await issueCertificate({
      publicKey: rsaLeaf.publicKey,
      subject: [{ type: '2.5.4.3', value: 'EXPIRED' }],
      profile: templateProfile('individual', 'auth'),
      issuer: ca.der,
      issuerKey: caKeys.privateKey,
      validity: { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') },
    });
    expired = { name: 'expired', purpose: 'auth', issued: old, path: tmp.write('expired.pem', old.pem) };
  }, 60_000);
  afterAll(() => tmp.dispose());

  describe.skipIf(!hasTool('openssl'))('OpenSSL', () => {
    it('`x509 -text` decodes every certificate with the NCA extensions', { timeout: 60_000 }, () => {
      for (const leaf of leaves) {
        const r = runTool('openssl', ['x509', '-in', leaf.path, '-text', '-noout']);
        expect(r.status, leaf.name).toBe(0);
        expect(r.stdout).toMatch(/X509v3 Key Usage: critical/);
        expect(r.stdout).toContain(`Serial Number:`);
        expect(r.stdout).toContain('CPS: http://ca.kzpki.test/cps');
        expect(r.stdout).toContain('URI:http://ca.kzpki.test/crl/nca_rsa.crl');
        expect(r.stdout).toMatch(
          /Freshest CRL:\s+Full Name:\s+URI:http:\/\/ca\.kzpki\.test\/crl\/nca_d_rsa\.crl/,
        );
        expect(r.stdout).toContain('OCSP - URI:http://ocsp.kzpki.test/');
        expect(r.stdout).toContain('CA Issuers - URI:http://ca.kzpki.test/cert/nca_rsa.cer');
      }
      const r = runTool('openssl', ['x509', '-in', responder.path, '-text', '-noout']);
      expect(r.stdout).toContain('OCSP No Check');
      expect(r.stdout).toContain('OCSP Signing');
    });

    it('`verify -x509_strict` accepts the whole chain', () => {
      const r = runTool('openssl', [
        'verify',
        '-x509_strict',
        '-CAfile',
        rootPath,
        '-untrusted',
        caPath,
        ...leaves.map((l) => l.path),
        responder.path,
      ]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split('\n')).toHaveLength(leaves.length + 1);
      expect(
        r.stdout
          .trim()
          .split('\n')
          .every((line) => line.endsWith(': OK')),
      ).toBe(true);
      expect(runTool('openssl', ['verify', '-x509_strict', '-CAfile', rootPath, caPath]).status).toBe(0);
    });

    it(
      'purposes: AUTH is an SSL client and not an S/MIME signer; SIGN the other way round; OCSP helper',
      { timeout: 60_000 },
      () => {
        const verify = (purpose: string, path: string) =>
          runTool('openssl', ['verify', '-purpose', purpose, '-CAfile', rootPath, '-untrusted', caPath, path])
            .status;
        for (const leaf of leaves) {
          if (leaf.purpose === 'auth') {
            expect(verify('sslclient', leaf.path), leaf.name).toBe(0);
            expect(verify('smimesign', leaf.path), leaf.name).not.toBe(0);
          } else {
            expect(verify('smimesign', leaf.path), leaf.name).toBe(0);
            expect(verify('sslclient', leaf.path), leaf.name).not.toBe(0);
          }
        }
        expect(verify('ocsphelper', responder.path)).toBe(0);
      },
    );

    it('an expired certificate is refused as expired', () => {
      const r = runTool('openssl', ['verify', '-CAfile', rootPath, '-untrusted', caPath, expired.path]);
      expect(r.status).not.toBe(0);
      expect(r.stdout + r.stderr).toContain('certificate has expired');
    });
  });

  describe.skipIf(!hasTool('certtool'))('GnuTLS', () => {
    it('`certtool -i` reads every certificate; `--verify` trusts the chain', { timeout: 60_000 }, () => {
      for (const leaf of [...leaves, responder]) {
        const r = runTool('certtool', ['-i', '--infile', leaf.path]);
        expect(r.status, leaf.name).toBe(0);
        expect(r.stdout).toContain(`Serial Number (hex): ${leaf.issued.serialHex}`);
        expect(r.stdout).toContain(
          `Subject Key Identifier (not critical):\n\t\t\t${leaf.issued.subjectKeyId}`,
        );
      }
      const chain = tmp.write('chain.pem', leaves[0]!.issued.pem + caPem);
      const v = runTool('certtool', ['--verify', '--load-ca-certificate', rootPath, '--infile', chain]);
      expect(v.status).toBe(0);
      expect(v.stdout).toContain('Chain verification output: Verified.');
    });
  });

  describe.skipIf(!hasTool('certutil'))('NSS', () => {
    it(
      '`certutil -V` validates AUTH certificates for SSL client use and SIGN ones for e-mail signing',
      { timeout: 60_000 },
      () => {
        const db = tempDir('kzpki-nss-');
        try {
          const d = `sql:${db.dir}`;
          expect(runTool('certutil', ['-N', '-d', d, '--empty-password']).status).toBe(0);
          // NSS trust flags: C = CA for server certificates, T = CA for client certificates (SSL column),
          // C in the S/MIME column = CA for e-mail certificates.
          expect(
            runTool('certutil', ['-A', '-d', d, '-n', 'root', '-t', 'CT,C,', '-i', rootPath]).status,
          ).toBe(0);
          expect(runTool('certutil', ['-A', '-d', d, '-n', 'ca', '-t', ',,', '-i', caPath]).status).toBe(0);
          for (const leaf of leaves.filter(
            (l) => l.name.startsWith('individual') || l.name.startsWith('first-manager'),
          )) {
            expect(
              runTool('certutil', ['-A', '-d', d, '-n', leaf.name, '-t', ',,', '-i', leaf.path]).status,
            ).toBe(0);
            const usage = leaf.purpose === 'auth' ? 'C' : 'S';
            const r = runTool('certutil', ['-V', '-d', d, '-n', leaf.name, '-u', usage]);
            expect(r.stdout, `${leaf.name}: ${r.stdout}${r.stderr}`).toContain('certificate is valid');
            // ...and not for the other use
            const other = runTool('certutil', [
              '-V',
              '-d',
              d,
              '-n',
              leaf.name,
              '-u',
              usage === 'C' ? 'S' : 'C',
            ]);
            expect(other.stdout + other.stderr).toContain('certificate is invalid');
          }
          expect(
            runTool('certutil', ['-A', '-d', d, '-n', 'ocsp', '-t', ',,', '-i', responder.path]).status,
          ).toBe(0);
          expect(runTool('certutil', ['-V', '-d', d, '-n', 'ocsp', '-u', 'O']).stdout).toContain(
            'certificate is valid',
          );
        } finally {
          db.dispose();
        }
      },
    );
  });

  describe.skipIf(!hasTool('keytool'))('Java keytool', () => {
    it('`keytool -printcert` reads every certificate', () => {
      // One JVM for all of them: keytool prints each certificate of a multi-certificate file.
      const all = [...leaves, responder];
      const bundle = tmp.write('bundle.pem', all.map((l) => l.issued.pem).join(''));
      const r = runTool('keytool', ['-printcert', '-file', bundle]);
      expect(r.status).toBe(0);
      for (const leaf of all)
        expect(r.stdout, leaf.name).toContain(`Serial number: ${leaf.issued.serialHex}`);
      // RFC 2253 order: last RDN first.
      expect(r.stdout.split('Issuer: CN=ҰКО TEST (RSA), C=KZ').length - 1).toBe(all.length);
    }, 60_000);
  });
});
