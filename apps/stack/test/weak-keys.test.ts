/**
 * Crafted public keys refused end to end over HTTP (issue 10 #1): an RSA key with e = 1, whose
 * "signature" is the padded hash anybody computes, signed into a certificate by the CA's own key
 * (as a bug or a tampered database might leave one), is refused by the status service's key check,
 * cannot open a cabinet session, and a request for such a key is refused at submission, before
 * any proof of possession could be asked for it.
 */
import { createHash } from 'node:crypto';
import {
  buildNcaSubject,
  certificatePublicKeyInfo,
  createCsr,
  formatName,
  fromBase64,
  generateKeyPair,
  inspectCertificate,
  signData,
  toBase64,
  toPem,
} from '@kzpki/pki';
import { derChildren, derTlv, pkcs1v15PaddedSha256, rsaSpkiWithExponentOne } from '@kzpki/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../src/testing.js';

let services: TestServices;
let forged: Uint8Array;

beforeAll(async () => {
  services = await startTestServices();
  const { issuing } = services.ca.context.material;
  // The built-in operator's certificate, its key swapped for e = 1, re-signed by the issuing CA.
  const template = services.ca.context.material.operator.certificate;
  const [tbs, sigAlg] = derChildren(template);
  const fields = derChildren(tbs!);
  fields[6] = rsaSpkiWithExponentOne(certificatePublicKeyInfo(template));
  fields[1] = derTlv(0x02, Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab)); // a serial of its own
  const newTbs = derTlv(0x30, ...fields);
  const signature = await signData(issuing.privateKey, newTbs);
  forged = derTlv(0x30, newTbs, sigAlg!, derTlv(0x03, Uint8Array.of(0), signature));
  expect(inspectCertificate(forged).serialNumber).toBe('0123456789ab');
}, 120_000);
afterAll(async () => {
  await services?.stop();
});

describe('crafted keys over HTTP', () => {
  it("the status service's key check does not report a CA-signed e = 1 certificate as valid", async () => {
    const r = await fetch(`${services.statusUrl}/api/v1/key-check`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ certificate: toPem(forged, 'CERTIFICATE') }),
    });
    const body = (await r.json()) as { chain: { valid: boolean; message?: string } };
    // Issued by this CA, a good signature, and still invalid: because of its key.
    expect(r.status).toBe(200);
    expect(body.chain).toMatchObject({ valid: false, issuedByThisCa: true });
    expect(body.chain.message).toMatch(/RSA public exponent 1 is invalid/);
  });

  it('a cabinet or operator login with it fails, even when the store holds the certificate', async () => {
    const info = inspectCertificate(forged);
    const store = services.ca.context.store;
    await store.putCertificate(
      {
        serialHex: info.serialNumber,
        issuerSkiHex: services.ca.context.material.issuing.skiHex,
        status: 'good',
        notBefore: new Date(info.notBefore),
        notAfter: new Date(info.notAfter),
        der: forged,
        spkiSha256: createHash('sha256').update(certificatePublicKeyInfo(forged)).digest('hex'),
        subject: formatName(info.subject.attributes),
        skiHex: info.subjectKeyId ?? '00',
        kind: 'service',
        purpose: 'auth',
        createdAt: new Date(),
      },
      { actor: 'test', action: 'test.forged', entity: `certificate:${info.serialNumber}` },
    );
    for (const audience of ['cabinet', 'operator'] as const) {
      const ch = (await (
        await fetch(`${services.caUrl}/v1/auth/challenges`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ audience }),
        })
      ).json()) as { challengeId: string; toBeSigned: string };
      const r = await fetch(`${services.caUrl}/v1/${audience}/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          challengeId: ch.challengeId,
          certificate: toPem(forged, 'CERTIFICATE'),
          signature: toBase64(pkcs1v15PaddedSha256(fromBase64(ch.toBeSigned))),
        }),
      });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { code: string }).code).toMatch(
        /^ERR_(SIGNATURE_INVALID|CERTIFICATE_UNTRUSTED)$/,
      );
    }
  });

  it('a request for an e = 1 key is refused at submission (no proof of possession is ever asked for it)', async () => {
    const iin = '850315300128';
    const started = await fetch(`${services.caUrl}/v1/applications`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'individual', template: 'individual', iin }),
    });
    const app = (await started.json()) as { id: string };
    const { devSmsOutbox } = await import('@kzpki/client');
    const code = await devSmsOutbox(services.caUrl).latestOtp(iin);
    const v = await fetch(`${services.caUrl}/v1/applications/${app.id}/otp/verification`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
    const token = ((await v.json()) as { token: string }).token;
    const post = (step: string, body: unknown) =>
      fetch(`${services.caUrl}/v1/applications/${app.id}/${step}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
    // Digital ID's phone page: the registered number (where the first code went), then its code.
    const outbox = devSmsOutbox(services.caUrl);
    expect((await post('digital-id/phone', { phone: await outbox.registeredPhone(iin) })).status).toBe(200);
    const didCode = await outbox.latestOtp(iin);
    expect((await post('digital-id/phone/verification', { code: didCode })).status).toBe(200);
    const image = Buffer.from('simulated JPEG').toString('base64');
    expect(
      (
        await post('identification', {
          selfie: image,
          liveness: { passed: true, score: 0.99 },
          pin: '4831',
          document: { type: 'id-card', frontImage: image },
        })
      ).status,
    ).toBe(200);
    expect((await post('identification/confirmation', { confirmed: true })).status).toBe(200);
    expect((await post('consent', { pin: '4831' })).status).toBe(200);
    const agreement = (await (await fetch(`${services.caUrl}/v1/agreement`)).json()) as { version: string };
    expect((await post('agreement', { version: agreement.version, accepted: true })).status).toBe(200);

    // Requests for the registry's person; the AUTH one then gets an e = 1 key and its "signature".
    const person = { surname: 'АХМЕТОВ', givenName: 'АЙДАР', patronymic: 'СЕРИКОВИЧ', iin };
    const make = async (purpose: 'auth' | 'sign') => {
      const keys = await generateKeyPair('RSA-2048');
      return createCsr({ subject: buildNcaSubject(person), keys, template: 'individual', purpose });
    };
    const sign = await make('sign');
    const auth = await make('auth');
    const [info, alg] = derChildren(auth);
    const reqFields = derChildren(info!);
    reqFields[2] = rsaSpkiWithExponentOne(reqFields[2]!);
    const weakInfo = derTlv(0x30, ...reqFields);
    const weak = derTlv(0x30, weakInfo, alg!, derTlv(0x03, Uint8Array.of(0), pkcs1v15PaddedSha256(weakInfo)));
    const r = await post('submission', {
      keyStorage: 'PKCS12',
      csrs: { auth: toPem(weak, 'CERTIFICATE REQUEST'), sign: toPem(sign, 'CERTIFICATE REQUEST') },
    });
    expect(r.status).toBe(422);
    expect(await r.json()).toMatchObject({
      code: 'ERR_CSR_INVALID',
      detail: expect.stringMatching(/public key cannot be used: RSA public exponent 1 is invalid/),
    });
  });
});
