/**
 * Fuzzing the parsers of untrusted CRL and OCSP input: random bytes, and valid DER (ours and the
 * NCA fixtures) with flipped bits, truncation, corrupted length fields, and inserted or deleted
 * bytes. The only acceptable outcomes are a result or a PkiError with the parser's own code;
 * every case is bounded (the DER reader never loops without advancing).
 */
import { hasNcaFixtures, readNcaFixture } from '@kzpki/test-fixtures';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCrl } from '../../src/crl/build.js';
import { parseCrl } from '../../src/crl/parse.js';
import { DerReader } from '../../src/der/reader.js';
import { isPkiError, type PkiErrorCode } from '../../src/errors.js';
import { createOcspRequest, parseOcspRequest } from '../../src/ocsp/request.js';
import { buildOcspResponse } from '../../src/ocsp/response.js';
import { parseOcspResponse } from '../../src/ocsp/response-parse.js';
import { makeTestPki } from '../support/crl-ocsp-test-pki.js';

/** Offsets of the identifier octet of every TLV reachable through constructed elements. */
function tlvOffsets(bytes: Uint8Array): number[] {
  const r = new DerReader(bytes, 'ERR_ASN1_INVALID', 'seed');
  const out: number[] = [];
  const walk = (start: number, end: number, depth: number) => {
    for (let p = start; p < end; ) {
      const el = r.read(p, end);
      out.push(el.start);
      if (depth < 12 && el.tag & 0x20) walk(el.contentStart, el.end, depth + 1);
      p = el.end;
    }
  };
  walk(0, bytes.length, 0);
  return out;
}

type Mutation = { kind: 'flip' | 'truncate' | 'length' | 'insert' | 'delete' | 'splice'; picks: number[] };

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('flip', 'truncate', 'length', 'insert', 'delete', 'splice'),
  picks: fc.array(fc.nat({ max: 0x7fffffff }), { minLength: 4, maxLength: 16 }),
});

const LENGTH_VALUES = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x89, 0xff];

function mutate(seed: Uint8Array, offsets: number[], m: Mutation): Uint8Array {
  const p = m.picks;
  const at = (i: number, n: number) => (n <= 0 ? 0 : p[i % p.length]! % n);
  const out = seed.slice();
  switch (m.kind) {
    case 'flip': {
      const flips = 1 + at(0, 8);
      for (let i = 0; i < flips; i++) {
        const pos = at(i + 1, out.length);
        out[pos] = out[pos]! ^ (1 << at(i + 2, 8));
      }
      return out;
    }
    case 'truncate':
      return out.subarray(0, at(0, out.length));
    case 'length': {
      // Corrupt the first length octet of a real TLV header.
      const hdr = offsets[at(0, offsets.length)]! + 1;
      if (hdr < out.length)
        out[hdr] = p[1]! % 3 === 0 ? p[2]! & 0xff : LENGTH_VALUES[at(3, LENGTH_VALUES.length)]!;
      return out;
    }
    case 'insert': {
      const pos = at(0, out.length + 1);
      const extra = Uint8Array.from({ length: 1 + at(1, 4) }, (_, i) => p[(i + 2) % p.length]! & 0xff);
      return Uint8Array.of(...out.subarray(0, pos), ...extra, ...out.subarray(pos));
    }
    case 'delete': {
      const pos = at(0, out.length);
      return Uint8Array.of(...out.subarray(0, pos), ...out.subarray(pos + 1 + at(1, 4)));
    }
    case 'splice': {
      // Move a TLV somewhere else (structurally plausible garbage).
      const a = offsets[at(0, offsets.length)]!;
      const b = offsets[at(1, offsets.length)]!;
      const len = Math.min(1 + at(2, 64), out.length - a);
      return Uint8Array.of(...out.subarray(0, b), ...out.subarray(a, a + len), ...out.subarray(b));
    }
  }
}

/**
 * Runs `parse` and asserts it returns or throws a PkiError with `code`; a value it returns must be
 * fully usable (`touch` exercises the lazily decoded parts and must not throw at all).
 */
function expectTyped<T>(code: PkiErrorCode, parse: () => T, touch?: (v: T) => void): void {
  let v: T;
  try {
    v = parse();
  } catch (e) {
    if (!isPkiError(e, code)) {
      throw new Error(
        `expected PkiError ${code}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      );
    }
    return;
  }
  touch?.(v);
}

const touchCrl = (crl: ReturnType<typeof parseCrl>) => {
  // Entries are decoded lazily; parseCrl validated them, so this cannot fail.
  for (const e of crl.entries) crl.find(e.serialHex);
  crl.find('01');
};

describe('fuzzing CRL and OCSP parsers', () => {
  const seeds = { crl: [] as Uint8Array[], request: [] as Uint8Array[], response: [] as Uint8Array[] };

  beforeAll(async () => {
    const pki = await makeTestPki('ECDSA-P256');
    const t = new Date('2026-05-01T00:00:00Z');
    seeds.crl.push(
      await buildCrl({
        issuer: pki.ca.der,
        issuerKey: pki.ca.keys.privateKey,
        crlNumber: 3n,
        thisUpdate: t,
        nextUpdate: new Date('2026-05-02T00:00:00Z'),
        entries: [
          { serial: pki.leaf.serialHex, revocationDate: t, reason: 'keyCompromise', invalidityDate: t },
          { serial: '8a01', revocationDate: t },
          { serial: '02', revocationDate: t, reason: 'certificateHold' },
        ],
        freshestCrlUrls: ['http://crl.example.kz/d.crl'],
      }),
    );
    const req = await createOcspRequest({
      certificates: [
        { certificate: pki.leaf.der, issuer: pki.ca.der },
        { certificate: pki.leaf2.der, issuer: pki.ca.der },
      ],
      hash: 'SHA-256',
    });
    seeds.request.push(
      req.der,
      (await createOcspRequest({ certificate: pki.leaf.der, issuer: pki.ca.der, nonce: false })).der,
    );
    seeds.response.push(
      await buildOcspResponse({
        responderCertificate: pki.responder.der,
        responderKey: pki.responder.keys.privateKey,
        responses: [
          { certId: req.certIds[0]!, status: { type: 'good' }, thisUpdate: t, nextUpdate: t },
          {
            certId: req.certIds[1]!,
            status: { type: 'revoked', revocationTime: t, reason: 'superseded' },
            thisUpdate: t,
          },
        ],
        nonce: req.nonce,
      }),
    );
    if (hasNcaFixtures()) {
      seeds.crl.push(readNcaFixture('crl/nca_gost2022_test.crl'), readNcaFixture('crl/nca_rsa_test.crl'));
      seeds.response.push(
        readNcaFixture('ocsp/ocsp__ocsp_response_individual_sign_2004.bin'),
        readNcaFixture('ocsp/ocsp__ocsp_response_ceo_2015_revoked.bin'),
      );
    }
  });

  const cases = [
    {
      name: 'parseCrl',
      code: 'ERR_CRL_INVALID',
      seeds: () => seeds.crl,
      run: (b: Uint8Array) => expectTyped('ERR_CRL_INVALID', () => parseCrl(b), touchCrl),
    },
    {
      name: 'parseOcspRequest',
      code: 'ERR_OCSP_REQUEST_INVALID',
      seeds: () => seeds.request,
      run: (b: Uint8Array) => expectTyped('ERR_OCSP_REQUEST_INVALID', () => parseOcspRequest(b)),
    },
    {
      name: 'parseOcspResponse',
      code: 'ERR_OCSP_RESPONSE_INVALID',
      seeds: () => seeds.response,
      run: (b: Uint8Array) => expectTyped('ERR_OCSP_RESPONSE_INVALID', () => parseOcspResponse(b)),
    },
  ] as const;

  for (const c of cases) {
    it(`${c.name}: mutated valid DER gives a result or ${c.code}`, () => {
      const list = c.seeds();
      const offsets = list.map(tlvOffsets);
      // The unmutated seeds parse.
      for (const s of list) expect(() => c.run(s)).not.toThrow();
      fc.assert(
        fc.property(fc.nat({ max: list.length - 1 }), mutationArb, (i, m) => {
          c.run(mutate(list[i]!, offsets[i]!, m));
        }),
        { numRuns: 500 },
      );
    });

    it(`${c.name}: random bytes give ${c.code}`, () => {
      const arb = fc.oneof(
        fc.uint8Array({ maxLength: 512 }),
        // A plausible outer SEQUENCE header around random content reaches deeper code.
        fc
          .uint8Array({ maxLength: 300 })
          .map((b) => Uint8Array.of(0x30, 0x82, b.length >> 8, b.length & 0xff, ...b)),
        fc.uint8Array({ maxLength: 120 }).map((b) => Uint8Array.of(0x30, b.length, ...b)),
      );
      fc.assert(
        fc.property(arb, (b) => c.run(b)),
        { numRuns: 300 },
      );
    });
  }
});
