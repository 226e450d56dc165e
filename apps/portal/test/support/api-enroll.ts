/**
 * Key files obtained through the CA API from Node (as the CLI would), for the people the browser
 * tests need beforehand: the first manager who approves in the cabinet. Keys and requests are
 * made with @kzpki/pki; the PKCS#12 files are built the NCA way.
 */
import {
  buildNcaSubject,
  createCsr,
  createPkcs12,
  generateKeyPair,
  ncaKeyFileName,
  signData,
  type TemplateName,
  toPem,
} from '@kzpki/pki';

const IMAGE = Buffer.from('\xff\xd8\xff\xe0 simulated JPEG', 'latin1').toString('base64');

async function call<T = any>(base: string, path: string, body?: unknown, token?: string, method?: string): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${base}${path}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The newest one-time code sent to the phone of `iin` (dev SMS outbox). */
export async function latestOtp(caUrl: string, iin: string): Promise<string> {
  const r = await call<{ messages: Array<{ kind: string; code?: string }> }>(caUrl, `/v1/dev/sms-outbox?iin=${iin}`);
  const code = r.messages.find((m) => m.kind === 'otp')?.code;
  if (!code) throw new Error(`no OTP for ${iin}`);
  return code;
}

/** An applicant identified through the API, up to the given point. */
export interface ApiApplicant {
  id: string;
  token: string;
  application: any;
}

/** Steps 1-3 (start, OTP, identification, confirmation) through the API. */
export async function identifyViaApi(
  caUrl: string,
  who: { template: TemplateName; iin: string; bin?: string },
): Promise<ApiApplicant> {
  const kind = who.template === 'individual' ? 'individual' : 'legal-entity';
  const started = await call(caUrl, '/v1/applications', {
    kind,
    template: who.template,
    iin: who.iin,
    ...(who.bin ? { bin: who.bin } : {}),
  });
  const session = await call(caUrl, `/v1/applications/${started.id}/otp/verification`, {
    code: await latestOtp(caUrl, who.iin),
  });
  const a: ApiApplicant = { id: started.id, token: session.token, application: session.application };
  await call(
    caUrl,
    `/v1/applications/${a.id}/identification`,
    {
      selfie: IMAGE,
      liveness: { passed: true, score: 0.97 },
      pin: '4831',
      document: { type: 'id-card', frontImage: IMAGE, backImage: IMAGE },
    },
    a.token,
  );
  a.application = await call(caUrl, `/v1/applications/${a.id}/identification/confirmation`, { confirmed: true }, a.token);
  return a;
}

/** Key files written by {@link enrollViaApi}. */
export interface ApiKeyFiles {
  number: string;
  auth: { fileName: string; bytes: Uint8Array; pem: string };
  sign: { fileName: string; bytes: Uint8Array; pem: string };
}

/** The whole flow through the API for a template that needs no approval; returns the key files. */
export async function enrollViaApi(
  caUrl: string,
  who: { template: TemplateName; iin: string; bin?: string },
  password: string,
): Promise<ApiKeyFiles> {
  const a = await identifyViaApi(caUrl, who);
  await call(caUrl, `/v1/applications/${a.id}/consent`, { pin: '4831' }, a.token);
  const agreement = await call(caUrl, '/v1/agreement');
  const app = await call(caUrl, `/v1/applications/${a.id}/agreement`, { version: agreement.version, accepted: true }, a.token);
  const subject = buildNcaSubject({
    surname: app.person.surname,
    givenName: app.person.givenName,
    patronymic: app.person.patronymic,
    iin: app.person.iin,
    ...(app.organization ? { bin: app.organization.bin, organization: app.organization.name } : {}),
  });
  const keys = { auth: await generateKeyPair('RSA-2048'), sign: await generateKeyPair('RSA-2048') };
  const csr = async (purpose: 'auth' | 'sign') =>
    toPem(await createCsr({ keys: keys[purpose], subject, template: who.template, purpose }), 'CERTIFICATE REQUEST');
  const submitted = await call(
    caUrl,
    `/v1/applications/${a.id}/submission`,
    { keyStorage: 'PKCS12', csrs: { auth: await csr('auth'), sign: await csr('sign') } },
    a.token,
  );
  const bundle = await call(caUrl, `/v1/applications/${a.id}/issuance`, undefined, a.token, 'POST');
  const challenge = await call(caUrl, `/v1/applications/${a.id}/installation-challenge`, undefined, a.token, 'POST');
  const proofs = [];
  for (const item of challenge.items) {
    const sig = await signData(keys[item.purpose as 'auth' | 'sign'].privateKey, Buffer.from(item.toBeSigned, 'base64'));
    proofs.push({ serialHex: item.serialHex, signature: Buffer.from(sig).toString('base64') });
  }
  await call(caUrl, `/v1/applications/${a.id}/installation`, { challengeId: challenge.challengeId, proofs }, a.token);
  const chain = bundle.chain.map((c: { pem: string }) => c.pem);
  const file = async (purpose: 'auth' | 'sign') => {
    const cert = bundle.certificates.find((c: { purpose: string }) => c.purpose === purpose);
    const bytes = await createPkcs12({ privateKey: keys[purpose].privateKey, certificate: cert.pem, chain, password });
    return { fileName: ncaKeyFileName(cert.pem), bytes, pem: cert.pem as string };
  };
  return { number: submitted.number, auth: await file('auth'), sign: await file('sign') };
}
