/**
 * The client side of the flow, as a browser or the CLI would drive it: keys and requests are made
 * here with @kzpki/pki, challenges are signed with WebCrypto keys.
 */
import {
  buildNcaSubject,
  createCsr,
  generateKeyPair,
  type KeyAlgorithmName,
  signData,
  type TemplateName,
  toPem,
} from '@kzpki/pki';
import { expect } from 'vitest';
import { type ApiResult, type Body, call } from './api.js';

const IMAGE = Buffer.from('\xff\xd8\xff\xe0 simulated JPEG bytes', 'latin1').toString('base64');

/** Digital ID's SMS texts start with this (the first code's do not). */
const DIGITAL_ID_TEXT = /^Digital ID:/;

/** Reads the newest one-time code sent to the phone of `iin` from the dev outbox. */
export async function latestOtp(base: string, iin: string): Promise<string> {
  const r = await call(base, 'GET', `/v1/dev/sms-outbox?iin=${iin}`);
  expect(r.status).toBe(200);
  const otp = r.body.messages.find((m: { kind: string }) => m.kind === 'otp');
  expect(otp, `no OTP for ${iin}`).toBeDefined();
  expect(otp.sender).toBe('1414');
  return otp.code as string;
}

/** The newest dev-outbox message of `iin` that carries a code, with its text and phone. */
export async function latestOtpMessage(
  base: string,
  iin: string,
): Promise<{ code: string; text: string; to: string }> {
  const r = await call(base, 'GET', `/v1/dev/sms-outbox?iin=${iin}`);
  expect(r.status).toBe(200);
  const otp = r.body.messages.find((m: { kind: string }) => m.kind === 'otp');
  expect(otp, `no OTP for ${iin}`).toBeDefined();
  return { code: otp.code, text: otp.text, to: otp.to };
}

/** Reads the newest Digital ID code sent to the phone of `iin` (fails if the newest code is the first one). */
export async function latestDigitalIdOtp(base: string, iin: string): Promise<string> {
  const m = await latestOtpMessage(base, iin);
  expect(m.text).toMatch(DIGITAL_ID_TEXT);
  return m.code;
}

/** Asserts a problem+json response with `code`. */
export function expectProblem(r: ApiResult, status: number, code: string): void {
  expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect({ status: r.status, code: r.body?.code }).toEqual({ status, code });
  expect(r.body.type).toBe(
    `https://kzpki.dev/problems/${code.replace(/^ERR_/, '').toLowerCase().replace(/_/g, '-')}`,
  );
}

/** A key pair with its certificate (once issued). */
export interface HeldKey {
  keys: CryptoKeyPair;
  pem?: string;
  serialHex?: string;
}

/** One applicant going through the flow. */
export class Applicant {
  id = '';
  token = '';
  number = '';
  pin = '4831';
  auth?: HeldKey;
  sign?: HeldKey;
  application: Body;

  constructor(
    readonly base: string,
    readonly template: TemplateName,
    readonly iin: string,
    readonly bin?: string,
  ) {}

  get kind(): 'individual' | 'legal-entity' {
    return this.template === 'individual' ? 'individual' : 'legal-entity';
  }

  /** Step 1. */
  async start(): Promise<ApiResult> {
    const r = await call(this.base, 'POST', '/v1/applications', {
      body: {
        kind: this.kind,
        template: this.template,
        iin: this.iin,
        ...(this.bin ? { bin: this.bin } : {}),
      },
    });
    if (r.status === 201) {
      this.id = r.body.id;
      this.application = r.body;
    }
    return r;
  }

  /** Step 2 with the code from the outbox (or the given one). */
  async verify(code?: string): Promise<ApiResult> {
    const r = await call(this.base, 'POST', `/v1/applications/${this.id}/otp/verification`, {
      body: { code: code ?? (await latestOtp(this.base, this.iin)) },
    });
    if (r.status === 200) {
      this.token = r.body.token;
      this.application = r.body.application;
    }
    return r;
  }

  /** The phone registered for this applicant (where the first code went, read from the dev outbox). */
  async registeredPhone(): Promise<string> {
    return (await latestOtpMessage(this.base, this.iin)).to;
  }

  /** Step 3, Digital ID's phone page: the number (default: the registered one); sends the second code. */
  async digitalIdPhone(phone?: string): Promise<ApiResult> {
    return this.post('digital-id/phone', { phone: phone ?? (await this.registeredPhone()) });
  }

  /** Step 3, Digital ID's code (default: the newest one in the outbox). */
  async verifyDigitalIdPhone(code?: string): Promise<ApiResult> {
    return this.post('digital-id/phone/verification', {
      code: code ?? (await latestDigitalIdOtp(this.base, this.iin)),
    });
  }

  /** Step 3, Digital ID's phone page and its code, both correct. */
  async confirmDigitalIdPhone(): Promise<void> {
    const p = await this.digitalIdPhone();
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.status).toBe('digital-id-code-sent');
    const v = await this.verifyDigitalIdPhone();
    expect(v.status, JSON.stringify(v.body)).toBe(200);
    expect(v.body.status).toBe('digital-id-phone-verified');
  }

  /** Step 3a. */
  async identify(overrides: Record<string, unknown> = {}): Promise<ApiResult> {
    return this.post('identification', {
      selfie: IMAGE,
      liveness: { passed: true, score: 0.97 },
      pin: this.pin,
      document: { type: 'id-card', frontImage: IMAGE, backImage: IMAGE },
      ...overrides,
    });
  }

  /** Step 3b. */
  async confirm(): Promise<ApiResult> {
    return this.post('identification/confirmation', { confirmed: true });
  }

  /** Step 4. */
  async consent(pin = this.pin): Promise<ApiResult> {
    return this.post('consent', { pin });
  }

  /** Step 4. */
  async agree(version = '2025-01'): Promise<ApiResult> {
    return this.post('agreement', { version, accepted: true });
  }

  /** Makes the two key pairs and requests (subject from the identified person). */
  async makeRequests(
    alg: KeyAlgorithmName = 'RSA-2048',
    subjectOverrides: Record<string, unknown> = {},
  ): Promise<{ auth: string; sign: string }> {
    const person = this.application.person;
    const org = this.application.organization;
    const subject = buildNcaSubject({
      surname: person.surname,
      givenName: person.givenName,
      patronymic: person.patronymic,
      iin: person.iin,
      ...(org ? { bin: org.bin, organization: org.name } : {}),
      checksum: false,
      ...subjectOverrides,
    });
    this.auth = { keys: await generateKeyPair(alg) };
    this.sign = { keys: await generateKeyPair(alg) };
    const csr = async (k: HeldKey, purpose: 'auth' | 'sign') =>
      toPem(
        await createCsr({ keys: k.keys, subject, template: this.template, purpose }),
        'CERTIFICATE REQUEST',
      );
    return { auth: await csr(this.auth, 'auth'), sign: await csr(this.sign, 'sign') };
  }

  /** Step 5. */
  async submit(
    csrs?: { auth: string; sign: string },
    extra: Record<string, unknown> = {},
    key?: string,
  ): Promise<ApiResult> {
    const r = await this.post(
      'submission',
      { keyStorage: 'PKCS12', csrs: csrs ?? (await this.makeRequests()), ...extra },
      key ? { 'idempotency-key': key } : {},
    );
    if (r.status === 200) this.number = r.body.number;
    return r;
  }

  /** Step 7. */
  async issue(body?: unknown, key?: string): Promise<ApiResult> {
    const r = await call(this.base, 'POST', `/v1/applications/${this.id}/issuance`, {
      token: this.token,
      ...(body !== undefined ? { body } : {}),
      headers: key ? { 'idempotency-key': key } : {},
    });
    if (r.status === 200) this.remember(r.body);
    return r;
  }

  /** Step 9: download. */
  async download(): Promise<ApiResult> {
    const r = await call(this.base, 'GET', `/v1/applications/${this.id}/certificates`, { token: this.token });
    if (r.status === 200) this.remember(r.body);
    return r;
  }

  private remember(bundle: Body): void {
    for (const c of bundle.certificates) {
      const held = c.purpose === 'auth' ? this.auth : this.sign;
      if (held) {
        held.pem = c.pem;
        held.serialHex = c.serialHex;
      }
    }
  }

  /** Step 9: proof of possession. */
  async install(signWith?: (purpose: 'auth' | 'sign') => CryptoKey): Promise<ApiResult> {
    const c = await this.post('installation-challenge', undefined);
    expect(c.status).toBe(201);
    const proofs = [];
    for (const item of c.body.items) {
      const key = signWith
        ? signWith(item.purpose)
        : (item.purpose === 'auth' ? this.auth : this.sign)!.keys.privateKey;
      const sig = await signData(key, new Uint8Array(Buffer.from(item.toBeSigned, 'base64')));
      proofs.push({ serialHex: item.serialHex, signature: Buffer.from(sig).toString('base64') });
    }
    return this.post('installation', { challengeId: c.body.challengeId, proofs });
  }

  /** Steps 1-5 (returns the submission response). */
  async runToSubmission(alg: KeyAlgorithmName = 'RSA-2048'): Promise<ApiResult> {
    expect((await this.start()).status).toBe(201);
    expect((await this.verify()).status).toBe(200);
    await this.runIdentification();
    return this.submit(await this.makeRequests(alg));
  }

  /** Steps 3-4 (Digital ID's phone and code first). */
  async runIdentification(): Promise<void> {
    await this.confirmDigitalIdPhone();
    expect((await this.identify()).status).toBe(200);
    const c = await this.confirm();
    expect(c.body.status).toBe('identified');
    expect((await this.consent()).status).toBe(200);
    const a = await this.agree();
    expect(a.status).toBe(200);
    this.application = a.body;
  }

  async get(): Promise<ApiResult> {
    return call(this.base, 'GET', `/v1/applications/${this.id}`, { token: this.token });
  }

  async post(step: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResult> {
    const r = await call(this.base, 'POST', `/v1/applications/${this.id}/${step}`, {
      token: this.token,
      ...(body !== undefined ? { body } : {}),
      headers,
    });
    if (r.status === 200 && r.body?.status) this.application = r.body;
    return r;
  }
}

/** Logs in with an AUTH certificate and key; returns the session response. */
export async function certificateLogin(
  base: string,
  audience: 'cabinet' | 'operator',
  certificatePem: string,
  privateKey: CryptoKey,
): Promise<ApiResult> {
  const ch = await call(base, 'POST', '/v1/auth/challenges', { body: { audience } });
  expect(ch.status).toBe(201);
  const sig = await signData(privateKey, new Uint8Array(Buffer.from(ch.body.toBeSigned, 'base64')));
  return call(base, 'POST', `/v1/${audience === 'cabinet' ? 'cabinet' : 'operator'}/sessions`, {
    body: {
      challengeId: ch.body.challengeId,
      certificate: certificatePem,
      signature: Buffer.from(sig).toString('base64'),
    },
  });
}

/** Signs a decision document with a SIGN key and posts the decision. */
export async function decideWith(
  base: string,
  token: string,
  number: string,
  decision: 'approve' | 'reject',
  signPem: string,
  signKey: CryptoKey,
): Promise<ApiResult> {
  const p = await call(base, 'GET', `/v1/cabinet/applications/${number}`, { token });
  if (p.status !== 200) return p;
  const doc = p.body.decisionDocuments[decision] as string;
  const sig = await signData(signKey, new TextEncoder().encode(doc));
  return call(base, 'POST', `/v1/cabinet/applications/${number}/decision`, {
    token,
    body: { decision, certificate: signPem, signature: Buffer.from(sig).toString('base64') },
  });
}

/** Takes an applicant all the way to installed certificates (approval by `approver` when the template needs it). */
export async function obtainCertificates(
  a: Applicant,
  approver?: { session: string; signer: Applicant },
  alg: KeyAlgorithmName = 'ECDSA-P256',
): Promise<Applicant> {
  const sub = await a.runToSubmission(alg);
  expect(sub.status).toBe(200);
  if (sub.body.status === 'awaiting-approval') {
    if (!approver) throw new Error(`${a.template} needs an approver`);
    const d = await decideWith(
      a.base,
      approver.session,
      a.number,
      'approve',
      approver.signer.sign!.pem!,
      approver.signer.sign!.keys.privateKey,
    );
    expect(d.status).toBe(200);
  }
  expect((await a.issue()).status).toBe(200);
  expect((await a.install()).status).toBe(200);
  return a;
}

/** Logs `a` into the cabinet with its AUTH certificate; returns the token. */
export async function cabinetToken(a: Applicant): Promise<string> {
  const r = await certificateLogin(a.base, 'cabinet', a.auth!.pem!, a.auth!.keys.privateKey);
  expect(r.status).toBe(201);
  return r.body.token as string;
}
