/**
 * The route walk (issue 10, "And then"): every operation of `openapi/ca.yaml` and
 * `openapi/status.yaml`, called with every kind of credential, against the security the spec
 * declares for it. Every operation must declare its rule (`security: []` for public ones), so a
 * new route without one fails here; an operation that needs a session must answer 401 to no
 * credential, a forged one, an applicant session of another application, the wrong kind of
 * session, an expired one and one whose certificate was revoked, and must let its own kind in.
 * Public operations never answer 401. Bodies are `{}`: the point is who gets past authentication,
 * not what the operation then does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  certificateLogin,
  createCaClient,
  devSmsOutbox,
  type EnrollResult,
  enroll,
  type OpenedKeyFile,
  openKeyFile,
} from '@kzpki/client';
import { inspectCertificate } from '@kzpki/pki';
import { OpenApiValidator, type SpecOperation } from '@kzpki/server-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../src/testing.js';

const SPECS = fileURLToPath(new URL('../../../openapi/', import.meta.url));
const ca = OpenApiValidator.load(`${SPECS}ca.yaml`);
const status = OpenApiValidator.load(`${SPECS}status.yaml`);
const PASSWORD = 'Qwerty12';

/** The credentials of the walk; `applicant` is the owner of the application in the paths. */
type Credential =
  | 'none'
  | 'forged'
  | 'applicant'
  | 'other-applicant'
  | 'cabinet'
  | 'operator'
  | 'expired'
  | 'revoked';
const CREDENTIALS: Credential[] = [
  'none',
  'forged',
  'applicant',
  'other-applicant',
  'cabinet',
  'operator',
  'expired',
  'revoked',
];
/** Which credential each security scheme lets in (for the application in the paths). */
const ACCEPTS: Record<string, Credential> = {
  applicantSession: 'applicant',
  cabinetSession: 'cabinet',
  operatorSession: 'operator',
};

let services: TestServices;
const tokens = new Map<Credential, string | undefined>();
const params: Record<string, string> = {};

/** Starts an application and verifies its code: the applicant session. */
async function applicant(iin: string): Promise<{ id: string; token: string }> {
  const started = await fetch(`${services.caUrl}/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'individual', template: 'individual', iin }),
  });
  const { id } = (await started.json()) as { id: string };
  const code = await devSmsOutbox(services.caUrl).latestOtp(iin);
  const verified = await fetch(`${services.caUrl}/v1/applications/${id}/otp/verification`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  });
  return { id, token: ((await verified.json()) as { token: string }).token };
}

async function enrolled(iin: string): Promise<{ result: EnrollResult; auth: OpenedKeyFile }> {
  const result = await enroll({
    caUrl: services.caUrl,
    template: 'individual',
    iin,
    password: PASSWORD,
    otp: devSmsOutbox(services.caUrl).otp,
    keyAlgorithm: 'ECDSA-P256',
  });
  const file = result.keyFiles.find((f) => f.purpose === 'auth');
  return { result, auth: await openKeyFile(file!.bytes, PASSWORD, 'auth') };
}

beforeAll(async () => {
  services = await startTestServices();
  const client = createCaClient({ baseUrl: services.caUrl });
  const owner = await applicant('850315300128');
  const other = await applicant('880612304567');
  const holder = await enrolled('061211600012');
  const revoked = await enrolled('871008401427');
  const op = services.ca.context.material.operator;
  const operatorKey = { privateKey: op.privateKey, certificatePem: op.pem } as OpenedKeyFile;
  const operator = await certificateLogin(client, operatorKey, 'operator');
  const revokedSession = await certificateLogin(client, revoked.auth, 'cabinet');
  // The revoked holder's AUTH certificate is revoked by an operator.
  const serialOf = (f: OpenedKeyFile) => inspectCertificate(f.certificatePem).serialNumber;
  const r = await fetch(`${services.caUrl}/v1/operator/certificates/${serialOf(revoked.auth)}/revocation`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${operator.token}` },
    body: JSON.stringify({ reason: 'keyCompromise' }),
  });
  expect(r.status).toBe(200);
  // An operator session whose time is up.
  const expired = `kzo_${randomBytes(32).toString('base64url')}`;
  await services.ca.context.store.createSession({
    tokenHash: createHash('sha256').update(expired).digest('hex'),
    kind: 'operator',
    holder: {
      commonName: 'EXPIRED',
      roles: ['nca-operator'],
      serialHex: op.serialHex,
      issuerSkiHex: services.ca.context.material.issuing.skiHex,
    },
    createdAt: new Date(Date.now() - 10 * 3600_000),
    expiresAt: new Date(Date.now() - 3600_000),
  });

  tokens.set('none', undefined);
  tokens.set('forged', `kza_${randomBytes(32).toString('base64url')}`);
  tokens.set('applicant', owner.token);
  tokens.set('other-applicant', other.token);
  tokens.set('cabinet', (await certificateLogin(client, holder.auth, 'cabinet')).token);
  tokens.set('operator', operator.token);
  tokens.set('expired', expired);
  tokens.set('revoked', revokedSession.token);

  Object.assign(params, {
    applicationId: owner.id,
    number: holder.result.applicationNumber,
    serialHex: holder.result.keyFiles.find((f) => f.purpose === 'sign')!.certificate.serialHex,
    issuer: 'kzpki-test-issuing-rsa',
    request: 'MAA',
  });
}, 180_000);

afterAll(async () => {
  await services?.stop();
});

/** The operations in walking order: those that end a session last. */
function walkOrder(spec: OpenApiValidator): SpecOperation[] {
  return [...spec.operations].sort((a, b) => Number(a.method === 'delete') - Number(b.method === 'delete'));
}

async function callAs(
  base: string,
  op: SpecOperation,
  credential: Credential,
): Promise<{ status: number; code?: string }> {
  const path = op.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined) throw new Error(`no value for path parameter ${name} of ${op.operationId}`);
    return encodeURIComponent(v);
  });
  const token = tokens.get(credential);
  const body = op.operation.requestBody !== undefined;
  const res = await fetch(`${base}${path}`, {
    method: op.method.toUpperCase(),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: '{}' } : {}),
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: string }).code;
  } catch {
    code = undefined;
  }
  return { status: res.status, ...(code !== undefined ? { code } : {}) };
}

for (const [name, spec, base] of [
  ['ca.yaml', ca, () => services.caUrl],
  ['status.yaml', status, () => services.statusUrl],
] as const) {
  describe(`route walk of openapi/${name}`, () => {
    it('every operation declares who may call it (security, [] for public)', () => {
      const undeclared = spec.operations
        .filter((op) => spec.security(op.operationId) === undefined)
        .map((op) => `${op.method.toUpperCase()} ${op.path} (${op.operationId})`);
      expect(undeclared).toEqual([]);
      // A secured operation documents its 401.
      const undocumented = spec.operations
        .filter((op) => spec.requiresAuthentication(op.operationId) && !op.operation.responses?.['401'])
        .map((op) => op.operationId);
      expect(undocumented).toEqual([]);
    });

    it('every credential gets the answer the declared security says', async () => {
      const wrong: string[] = [];
      for (const op of walkOrder(spec)) {
        const schemes = (spec.security(op.operationId) ?? []).flatMap((r) => Object.keys(r));
        const secured = spec.requiresAuthentication(op.operationId);
        for (const credential of CREDENTIALS) {
          const r = await callAs(base(), op, credential);
          const accepted = secured && schemes.some((s) => ACCEPTS[s] === credential);
          const label = `${op.operationId} as ${credential}: ${r.status} ${r.code ?? ''}`;
          if (!secured && r.status === 401) wrong.push(`${label} (public, yet 401)`);
          if (secured && !accepted && (r.status !== 401 || r.code !== 'ERR_UNAUTHORIZED'))
            wrong.push(`${label} (expected 401 ERR_UNAUTHORIZED)`);
          if (secured && accepted && r.status === 401) wrong.push(`${label} (its own session refused)`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });
}
