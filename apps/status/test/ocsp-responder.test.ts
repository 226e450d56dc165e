import {
  createOcspRequest,
  generateKeyPair,
  type IssuedCertificate,
  issueCertificate,
  issuingCaProfile,
  NCA_OIDS,
  type OcspHashAlgorithm,
  parseOcspResponse,
  verifyOcspResponse,
} from '@kzpki/pki';
import { metricValue } from '@kzpki/server-kit';
import { derContent, derTlv } from '@kzpki/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { StatusMetrics } from '../src/metrics/status-metrics.js';
import { OcspResponder } from '../src/ocsp/responder.js';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import { ISSUING_ID, makeHierarchy, type TestHierarchy } from './support/hierarchy.js';

describe('OcspResponder', () => {
  let h: TestHierarchy;
  let source: MemoryStatusSource;
  let metrics: StatusMetrics;
  let responder: OcspResponder;
  const certs: Record<'good' | 'revoked' | 'held' | 'unknown', IssuedCertificate> = {} as never;

  beforeAll(async () => {
    h = await makeHierarchy();
    source = new MemoryStatusSource(h.material);
    for (const name of ['good', 'revoked', 'held', 'unknown'] as const) certs[name] = await h.issue();
    for (const name of ['good', 'revoked', 'held'] as const)
      source.addCertificate(ISSUING_ID, certs[name].serialHex);
    source.revoke(ISSUING_ID, certs.revoked.serialHex, {
      reason: 'keyCompromise',
      revokedAt: new Date('2025-02-03T04:05:06Z'),
    });
    source.revoke(ISSUING_ID, certs.held.serialHex, {
      reason: 'certificateHold',
      revokedAt: new Date('2025-03-01T00:00:00Z'),
    });
    metrics = new StatusMetrics({ cacheSize: () => 0, signingInFlight: () => 0, signingQueued: () => 0 });
    responder = await OcspResponder.create({ source, issuers: h.material.issuers, metrics });
  });

  async function ask(
    list: IssuedCertificate[],
    opts: { hash?: OcspHashAlgorithm; nonce?: boolean | Uint8Array; expectEcho?: boolean } = {},
  ) {
    const req = await createOcspRequest({
      certificates: list.map((c) => ({ certificate: c.der, issuer: h.issuing.cert.der })),
      hash: opts.hash ?? 'SHA-1',
      nonce: opts.nonce ?? false,
    });
    const answer = await responder.respond(req.der, Buffer.from(req.der).toString('latin1'));
    expect(answer.outcome).toBe('successful');
    const check = await verifyOcspResponse(answer.der, {
      issuer: h.issuing.cert.der,
      certIds: req.certIds,
      ...(req.nonce && opts.expectEcho !== false ? { nonce: req.nonce } : {}),
    });
    expect(check.failures).toEqual([]);
    expect(check.valid).toBe(true);
    return { answer, info: check.response, check, req };
  }

  it.each(['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const)(
    'answers good, revoked (time, reason), hold and unknown for %s CertIDs, signed by the delegated responder by key',
    async (hash) => {
      const { info, check } = await ask([certs.good, certs.revoked, certs.held, certs.unknown], { hash });
      expect(info.responses.map((r) => r.status)).toEqual([
        { type: 'good' },
        { type: 'revoked', revocationTime: new Date('2025-02-03T04:05:06Z'), reason: 'keyCompromise' },
        { type: 'revoked', revocationTime: new Date('2025-03-01T00:00:00Z'), reason: 'certificateHold' },
        { type: 'unknown' },
      ]);
      expect(info.responses.map((r) => r.certId.serialHex)).toEqual(
        [certs.good, certs.revoked, certs.held, certs.unknown].map((c) => c.serialHex),
      );
      expect(info.responses.every((r) => r.certId.hashAlgorithm === hash)).toBe(true);
      expect(check.signer).toBe('delegated');
      expect(info.responderId?.type).toBe('byKey');
      expect(info.certificates[0]).toEqual(h.responder.cert.der);
      // good/revoked keep an hour, unknown only minutes (a serial may get issued meanwhile)
      const [good, , , unknown] = info.responses;
      expect(good!.nextUpdate!.getTime() - good!.thisUpdate.getTime()).toBe(3_600_000);
      expect(unknown!.nextUpdate!.getTime() - unknown!.thisUpdate.getTime()).toBe(300_000);
    },
  );

  it('echoes the nonce and signs live; nonce-less repeats are served from the cache', async () => {
    const nonce = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const a = await ask([certs.good], { nonce });
    expect(a.info.nonce).toEqual(nonce);
    expect(a.answer.cache).toBeUndefined();
    const b = await ask([certs.good], { nonce: true });
    expect(b.answer.der).not.toEqual(a.answer.der);

    const hitsBefore = await metricValue(metrics.ocspCache, { result: 'hit' });
    const first = await ask([certs.good]);
    const second = await ask([certs.good]);
    expect(second.answer.cache?.hit).toBe(true);
    expect(second.answer.der).toBe(first.answer.der);
    expect(await metricValue(metrics.ocspCache, { result: 'hit' })).toBeGreaterThan(hitsBefore);
  });

  it('answers a nonce longer than 32 octets without it (RFC 8954), from the cache', async () => {
    const r = await ask([certs.good], { nonce: new Uint8Array(40).fill(7), expectEcho: false });
    expect(r.info.nonce).toBeUndefined();
    expect(r.answer.cache).toBeDefined();
  });

  it('never reports good after a revocation returned, nor revoked after a release (randomised interleaving)', async () => {
    const subjects = await Promise.all([0, 1, 2].map(() => h.issue()));
    for (const c of subjects) source.addCertificate(ISSUING_ID, c.serialHex);
    const model = new Map(subjects.map((c) => [c.serialHex, 'good' as 'good' | 'revoked' | 'hold']));
    let state = 0x1234567;
    const rand = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return (state >>> 8) % n;
    };
    for (let step = 0; step < 60; step++) {
      const c = subjects[rand(subjects.length)]!;
      const current = model.get(c.serialHex)!;
      const action = rand(4);
      if (action === 0 && current === 'good') {
        source.revoke(ISSUING_ID, c.serialHex, { reason: 'certificateHold' });
        model.set(c.serialHex, 'hold');
      } else if (action === 1 && current !== 'revoked') {
        source.revoke(ISSUING_ID, c.serialHex, { reason: 'superseded' });
        model.set(c.serialHex, 'revoked');
      } else if (action === 2 && current === 'hold') {
        source.release(ISSUING_ID, c.serialHex);
        model.set(c.serialHex, 'good');
      }
      // Query every subject both ways (cached and live) right after the change.
      const hash = rand(2) ? 'SHA-1' : 'SHA-256';
      const [cached, live] = await Promise.all([
        ask(subjects, { hash }),
        ask(subjects, { hash, nonce: true }),
      ]);
      for (const r of [cached, live]) {
        r.info.responses.forEach((resp, i) => {
          const expected = model.get(subjects[i]!.serialHex)!;
          if (expected === 'good') expect(resp.status).toEqual({ type: 'good' });
          else {
            expect(resp.status.type).toBe('revoked');
            if (expected === 'hold') expect(resp.status).toMatchObject({ reason: 'certificateHold' });
          }
        });
      }
    }
  });

  it('refuses CertIDs of a CA it does not serve with unauthorized', async () => {
    const otherKeys = await generateKeyPair('RSA-2048');
    const other = await issueCertificate({
      subject: [{ type: NCA_OIDS.attribute.commonName, value: 'Some other CA' }],
      publicKey: otherKeys.publicKey,
      profile: issuingCaProfile(),
      issuerKey: otherKeys.privateKey,
    });
    const foreign = await issueCertificate({
      subject: [{ type: NCA_OIDS.attribute.commonName, value: 'someone' }],
      publicKey: h.subjectKeys.publicKey,
      profile: issuingCaProfile(),
      issuer: other.der,
      issuerKey: otherKeys.privateKey,
    });
    const req = await createOcspRequest({ certificate: foreign.der, issuer: other.der, nonce: false });
    const a = await responder.respond(req.der);
    expect(a.outcome).toBe('unauthorized');
    expect(parseOcspResponse(a.der).status).toBe('unauthorized');
    // Mixed with one of ours: one response cannot be signed for both.
    const mixed = await createOcspRequest({
      certificates: [
        { certificate: certs.good.der, issuer: h.issuing.cert.der },
        { certificate: foreign.der, issuer: other.der },
      ],
      nonce: false,
    });
    expect((await responder.respond(mixed.der)).outcome).toBe('unauthorized');
    // The root publishes CRLs here but signs no OCSP responses in this hierarchy.
    const rootAsked = await createOcspRequest({
      certificate: h.issuing.cert.der,
      issuer: h.root.cert.der,
      nonce: false,
    });
    expect((await responder.respond(rootAsked.der)).outcome).toBe('unauthorized');
  });

  it('answers malformedRequest for garbage, truncation, a wrong version, no or too many CertIDs', async () => {
    const good = await createOcspRequest({
      certificate: certs.good.der,
      issuer: h.issuing.cert.der,
      nonce: false,
    });
    const tbs = derContent(good.der);
    const requestList = derContent(tbs);
    const wrongVersion = derTlv(
      0x30,
      derTlv(0x30, derTlv(0xa0, Uint8Array.of(0x02, 0x01, 0x01)), derTlv(0x30, requestList)),
    );
    const oneRequest = derTlv(0x30, requestList); // the Request element
    const tooMany = derTlv(
      0x30,
      derTlv(
        0x30,
        derTlv(0x30, ...Array.from({ length: 33 }, () => derContent(oneRequest)).map((c) => derTlv(0x30, c))),
      ),
    );
    const empty = derTlv(0x30, derTlv(0x30, derTlv(0x30)));
    let seed = 99;
    const random = Uint8Array.from({ length: 200 }, () => {
      seed = (seed * 16807) % 2147483647;
      return seed & 0xff;
    });
    const cases: Record<string, Uint8Array> = {
      empty: new Uint8Array(0),
      random,
      truncated: good.der.subarray(0, good.der.length - 5),
      trailing: Uint8Array.from([...good.der, 0]),
      wrongVersion,
      noCertIds: empty,
      tooMany,
    };
    for (const [name, der] of Object.entries(cases)) {
      const a = await responder.respond(der);
      expect({ name, outcome: a.outcome }).toEqual({ name, outcome: 'malformedRequest' });
      expect(a.der).toEqual(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x01));
    }
  });

  it('sheds live signing with tryLater when the queue is full, and recovers', async () => {
    const tight = await OcspResponder.create({
      source,
      issuers: h.material.issuers,
      metrics,
      signing: { concurrency: 1, maxQueued: 1 },
    });
    const reqs = await Promise.all(
      Array.from({ length: 8 }, () =>
        createOcspRequest({ certificate: certs.good.der, issuer: h.issuing.cert.der }),
      ),
    );
    const shedBefore = await metricValue(metrics.ocspShed);
    const answers = await Promise.all(reqs.map((r) => tight.respond(r.der)));
    const outcomes = answers.map((a) => a.outcome);
    expect(outcomes.filter((o) => o === 'successful').length).toBeGreaterThanOrEqual(2);
    expect(outcomes.filter((o) => o === 'tryLater').length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o === 'successful' || o === 'tryLater')).toBe(true);
    expect(await metricValue(metrics.ocspShed)).toBeGreaterThan(shedBefore);
    const again = await tight.respond(reqs[0]!.der);
    expect(again.outcome).toBe('successful');
  });
});
