/**
 * The status page's installation from the key files made at submission (no applicant session):
 * the public challenge issues when allowed and names each certificate's public key, the
 * certificates come only with a signature by every certified key, and the application is then
 * installed; wrong keys, unknown numbers and applications not ready are refused.
 */
import { exportSpki, generateKeyPair, signData } from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './support/api.js';
import { Applicant, expectProblem } from './support/flow.js';
import { startTestCa, type TestCa } from './support/harness.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

describe('installation from key files by application number', () => {
  let t: TestCa;
  beforeAll(async () => {
    t = await startTestCa();
  });
  afterAll(async () => {
    expect(t.ca.specViolations).toEqual([]);
    await t.stop();
  });

  it('issues, names the public keys, and installs on signatures by the certified keys only', async () => {
    const a = new Applicant(t.url, 'individual', '850315300128');
    expect((await a.runToSubmission()).body.status).toBe('submitted');
    const path = `/v1/application-status/${a.number}`;

    const c = await call(t.url, 'POST', `${path}/installation-challenge`);
    expect(c.status).toBe(201);
    // Issued by the challenge itself (the application needed no approval).
    expect((await call(t.url, 'GET', path)).body.application.status).toBe('issued');
    const held = { auth: a.auth, sign: a.sign };
    expect(c.body.items.map((i: { purpose: string }) => i.purpose).sort()).toEqual(['auth', 'sign']);
    for (const item of c.body.items as Array<{ purpose: 'auth' | 'sign'; publicKey: string }>) {
      const keys = held[item.purpose]?.keys;
      expect(keys).toBeDefined();
      expect(item.publicKey).toBe(b64(await exportSpki((keys as CryptoKeyPair).publicKey)));
    }

    // A key the application never certified: refused, nothing installed, the challenge used up.
    const stranger = await generateKeyPair('RSA-2048');
    const sign = async (
      challenge: { items: Array<{ serialHex: string; purpose: 'auth' | 'sign'; toBeSigned: string }> },
      keyFor: (purpose: 'auth' | 'sign') => CryptoKey,
    ) =>
      Promise.all(
        challenge.items.map(async (i) => ({
          serialHex: i.serialHex,
          signature: b64(
            await signData(keyFor(i.purpose), new Uint8Array(Buffer.from(i.toBeSigned, 'base64'))),
          ),
        })),
      );
    const wrong = await call(t.url, 'POST', `${path}/installation`, {
      body: {
        challengeId: c.body.challengeId,
        proofs: await sign(c.body, (p) =>
          p === 'auth' ? stranger.privateKey : (a.sign as { keys: CryptoKeyPair }).keys.privateKey,
        ),
      },
    });
    expectProblem(wrong, 422, 'ERR_PROOF_OF_POSSESSION_INVALID');
    expect((await call(t.url, 'GET', path)).body.application.status).toBe('issued');

    const again = await call(t.url, 'POST', `${path}/installation-challenge`);
    expect(again.status).toBe(201);
    const own = (p: 'auth' | 'sign') => (held[p] as { keys: CryptoKeyPair }).keys.privateKey;
    const done = await call(t.url, 'POST', `${path}/installation`, {
      body: { challengeId: again.body.challengeId, proofs: await sign(again.body, own) },
    });
    expect(done.status).toBe(200);
    expect(done.body.applicationNumber).toBe(a.number);
    expect(done.body.certificates.map((x: { purpose: string }) => x.purpose).sort()).toEqual([
      'auth',
      'sign',
    ]);
    expect(done.body.chain.length).toBeGreaterThan(0);
    expect((await call(t.url, 'GET', path)).body.application.status).toBe('installed');
    // Used once: the same challenge again, and a new one once installed, are refused.
    expectProblem(
      await call(t.url, 'POST', `${path}/installation`, {
        body: { challengeId: again.body.challengeId, proofs: await sign(again.body, own) },
      }),
      409,
      'ERR_INVALID_TRANSITION',
    );
    expectProblem(await call(t.url, 'POST', `${path}/installation-challenge`), 409, 'ERR_INVALID_TRANSITION');
  });

  it('refuses an unknown or malformed number and an application awaiting approval', async () => {
    expectProblem(
      await call(t.url, 'POST', '/v1/application-status/00000000000000/installation-challenge'),
      404,
      'ERR_NOT_FOUND',
    );
    const bad = await call(t.url, 'POST', '/v1/application-status/12345/installation-challenge');
    expect(bad.status).toBe(400);
    const employee = new Applicant(t.url, 'employee', '880612304567', '150440000013');
    expect((await employee.runToSubmission()).body.status).toBe('awaiting-approval');
    expectProblem(
      await call(t.url, 'POST', `/v1/application-status/${employee.number}/installation-challenge`),
      409,
      'ERR_INVALID_TRANSITION',
    );
  });
});
