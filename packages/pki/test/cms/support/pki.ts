/**
 * A real PKI for the CMS and timestamp tests, made with this package: a root CA, an issuing CA,
 * a delegated OCSP responder, a TSA, NCA-template end-entity certificates, and one HTTP server on
 * 127.0.0.1 that answers OCSP (buildOcspResponse), serves CRLs (buildCrl) and runs the TSA
 * (prepareTimestampAuthority) — the same code the reference services use, over real sockets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NCA_TSA_POLICY_OIDS } from '../../../src/cms/oids.js';
import { buildCrl } from '../../../src/crl/build.js';
import type { CrlReason } from '../../../src/crl/reason.js';
import { generateKeyPair } from '../../../src/keys/keys.js';
import { parseOcspRequest } from '../../../src/ocsp/request.js';
import {
  buildOcspErrorResponse,
  type OcspResponder,
  prepareOcspResponder,
} from '../../../src/ocsp/response.js';
import type { KeyPurpose } from '../../../src/profiles/profile.js';
import {
  issuingCaProfile,
  ocspResponderProfile,
  rootCaProfile,
  type TemplateName,
  templateProfile,
} from '../../../src/profiles/templates.js';
import {
  prepareTimestampAuthority,
  type TimestampAuthority,
  tsaCertificateProfile,
} from '../../../src/tsp/authority.js';
import { type IssuedCertificate, issueCertificate } from '../../../src/x509/issue.js';
import type { DistinguishedName } from '../../../src/x509/name.js';
import { buildNcaSubject } from '../../../src/x509/subject.js';

const DAY = 86_400_000;

/** A certificate with its keys. */
export interface Holder {
  cert: IssuedCertificate;
  keys: CryptoKeyPair;
}

/** Options of {@link CmsTestPki.person}. */
export interface PersonOptions {
  template?: TemplateName;
  purpose?: KeyPurpose;
  iin?: string;
  bin?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** Where the certificate points for revocation: the test server (default), a closed port, or nowhere. */
  urls?: 'server' | 'unreachable' | 'none';
  alg?: 'RSA-2048' | 'ECDSA-P256';
}

/** The test PKI and its server. */
export interface CmsTestPki {
  root: Holder;
  issuing: Holder;
  responder: Holder;
  tsa: Holder;
  /** Another root, trusted by nobody (for the unknown-CA case). */
  strangerRoot: Holder;
  strangerIssued: Holder;
  /** Base URL of the server (http://127.0.0.1:port). */
  url: string;
  /** A URL where nothing listens. */
  deadUrl: string;
  /** Marks a certificate revoked (OCSP and the issuing CA's CRL say so from now on). */
  revoke(serialHex: string, time: Date, reason?: CrlReason): void;
  /** Issues an end-entity certificate from the issuing CA. */
  person(options?: PersonOptions): Promise<Holder>;
  /** The TSA's clock (default: the present); tests move it into the past. */
  tsaClock: () => Date;
  /** Requests served, by kind. */
  hits: { ocsp: number; crl: number; tsa: number };
  close(): Promise<void>;
}

function subject(iin: string, bin?: string): DistinguishedName {
  return buildNcaSubject({
    surname: 'Тестов',
    givenName: 'Тест',
    patronymic: 'Тестович',
    iin,
    ...(bin ? { bin, organization: 'АО "ТЕСТ"' } : {}),
  });
}

async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function body(req: import('node:http').IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/** Builds the hierarchy and starts the server. */
export async function makeCmsTestPki(): Promise<CmsTestPki> {
  const infraFrom = new Date(Date.now() - 60 * DAY);
  const infraTo = new Date(Date.now() + 365 * DAY);
  const [rootKeys, issuingKeys, responderKeys, tsaKeys, strangerKeys] = await Promise.all([
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
    generateKeyPair('RSA-2048'),
  ]);
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const deadUrl = `http://127.0.0.1:${await deadPort()}`;

  const caName = (cn: string): DistinguishedName => [
    { type: '2.5.4.6', value: 'KZ', encoding: 'printable' },
    { type: '2.5.4.3', value: cn },
  ];
  const validity = { notBefore: infraFrom, notAfter: infraTo };
  const root = await issueCertificate({
    publicKey: rootKeys.publicKey,
    subject: caName('KZPKI TEST ROOT (RSA)'),
    profile: rootCaProfile(),
    issuerKey: rootKeys.privateKey,
    validity,
  });
  const issuing = await issueCertificate({
    publicKey: issuingKeys.publicKey,
    subject: caName('KZPKI TEST CA (RSA)'),
    profile: issuingCaProfile(),
    issuer: root.der,
    issuerKey: rootKeys.privateKey,
    validity,
    urls: { crl: [`${url}/crl/root.crl`] },
  });
  const responder = await issueCertificate({
    publicKey: responderKeys.publicKey,
    subject: caName('OCSP RESPONDER'),
    profile: ocspResponderProfile({ validityDays: 400 }),
    issuer: issuing.der,
    issuerKey: issuingKeys.privateKey,
    validity,
  });
  const tsa = await issueCertificate({
    publicKey: tsaKeys.publicKey,
    subject: caName('KZPKI TEST TSA'),
    profile: tsaCertificateProfile(),
    issuer: issuing.der,
    issuerKey: issuingKeys.privateKey,
    validity,
    urls: { ocsp: [`${url}/ocsp`], crl: [`${url}/crl/issuing.crl`] },
  });
  const strangerRoot = await issueCertificate({
    publicKey: strangerKeys.publicKey,
    subject: caName('STRANGER ROOT'),
    profile: rootCaProfile(),
    issuerKey: strangerKeys.privateKey,
    validity,
  });
  const strangerLeafKeys = await generateKeyPair('RSA-2048');
  const strangerIssued = await issueCertificate({
    publicKey: strangerLeafKeys.publicKey,
    subject: subject('871008401427'),
    profile: templateProfile('individual', 'sign'),
    issuer: strangerRoot.der,
    issuerKey: strangerKeys.privateKey,
    validity,
  });

  const revoked = new Map<string, { time: Date; reason?: CrlReason }>();
  const ocspResponder: OcspResponder = await prepareOcspResponder({
    responderCertificate: responder.der,
    responderKey: responderKeys.privateKey,
  });
  let crlNumber = 1n;
  const hits = { ocsp: 0, crl: 0, tsa: 0 };
  const state: { tsaClock: () => Date; authority?: TimestampAuthority } = { tsaClock: () => new Date() };
  state.authority = await prepareTimestampAuthority({
    key: tsaKeys.privateKey,
    certificate: tsa.der,
    chain: [issuing.der],
    policy: NCA_TSA_POLICY_OIDS.rsa,
    acceptedPolicies: Object.values(NCA_TSA_POLICY_OIDS),
    clock: () => state.tsaClock(),
  });

  server.on('request', (req, res) => {
    void (async () => {
      try {
        const path = req.url ?? '/';
        if (req.method === 'POST' && path === '/ocsp') {
          hits.ocsp++;
          let parsed: ReturnType<typeof parseOcspRequest>;
          try {
            parsed = parseOcspRequest(await body(req));
          } catch {
            res
              .writeHead(200, { 'content-type': 'application/ocsp-response' })
              .end(buildOcspErrorResponse('malformedRequest'));
            return;
          }
          const now = new Date(Math.floor(Date.now() / 1000) * 1000);
          const der = await ocspResponder.sign({
            responses: parsed.certIds.map((certId) => {
              const r = revoked.get(certId.serialHex);
              return {
                certId,
                status: r
                  ? {
                      type: 'revoked' as const,
                      revocationTime: r.time,
                      ...(r.reason ? { reason: r.reason } : {}),
                    }
                  : { type: 'good' as const },
                thisUpdate: now,
                nextUpdate: new Date(now.getTime() + 3600_000),
              };
            }),
            ...(parsed.nonce ? { nonce: parsed.nonce } : {}),
            ...(parsed.nonceEncoding ? { nonceEncoding: parsed.nonceEncoding } : {}),
          });
          res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(der);
          return;
        }
        if (req.method === 'GET' && (path === '/crl/issuing.crl' || path === '/crl/root.crl')) {
          hits.crl++;
          const isRoot = path === '/crl/root.crl';
          const now = new Date(Math.floor(Date.now() / 1000) * 1000);
          const der = await buildCrl({
            issuer: isRoot ? root.der : issuing.der,
            issuerKey: isRoot ? rootKeys.privateKey : issuingKeys.privateKey,
            crlNumber: crlNumber++,
            thisUpdate: now,
            nextUpdate: new Date(now.getTime() + 3600_000),
            entries: isRoot
              ? []
              : [...revoked].map(([serial, r]) => ({
                  serial,
                  revocationDate: r.time,
                  ...(r.reason ? { reason: r.reason } : {}),
                })),
          });
          res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(der);
          return;
        }
        if (req.method === 'POST' && path === '/tsa') {
          hits.tsa++;
          const der = await state.authority!.respond(await body(req));
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(der);
          return;
        }
        res.writeHead(404).end();
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
    })();
  });

  const pki: CmsTestPki = {
    root: { cert: root, keys: rootKeys },
    issuing: { cert: issuing, keys: issuingKeys },
    responder: { cert: responder, keys: responderKeys },
    tsa: { cert: tsa, keys: tsaKeys },
    strangerRoot: { cert: strangerRoot, keys: strangerKeys },
    strangerIssued: { cert: strangerIssued, keys: strangerLeafKeys },
    url,
    deadUrl,
    hits,
    get tsaClock() {
      return state.tsaClock;
    },
    set tsaClock(clock: () => Date) {
      state.tsaClock = clock;
    },
    revoke(serialHex, time, reason) {
      revoked.set(serialHex, { time, ...(reason ? { reason } : {}) });
    },
    async person(o: PersonOptions = {}) {
      const keys = await generateKeyPair(o.alg ?? 'RSA-2048');
      const base = o.urls === 'unreachable' ? deadUrl : url;
      const cert = await issueCertificate({
        publicKey: keys.publicKey,
        subject: subject(o.iin ?? '871008401427', o.bin),
        profile: templateProfile(o.template ?? 'individual', o.purpose ?? 'sign'),
        issuer: issuing.der,
        issuerKey: issuingKeys.privateKey,
        validity: {
          notBefore: o.notBefore ?? new Date(Date.now() - 30 * DAY),
          notAfter: o.notAfter ?? new Date(Date.now() + 300 * DAY),
        },
        keyIdMethod: 'spki-sha1',
        ...(o.urls === 'none' ? {} : { urls: { ocsp: [`${base}/ocsp`], crl: [`${base}/crl/issuing.crl`] } }),
      });
      return { cert, keys };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return pki;
}
