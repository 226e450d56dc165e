/**
 * GOST R 34.10-2012 signatures: the worked examples of the standard (RFC 7091 §7, both test
 * curves, signing deterministically with the given k), the named curves' parameters, key
 * generation and round trips on the three KZ algorithm sets, the KZ encodings, and point
 * validation of public keys.
 */
import { numberToBytesLE } from '@noble/curves/utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPkiError } from '../../src/errors.js';
import { GOST_ALGORITHMS, gostAlgorithm } from '../../src/gost/algorithms.js';
import { type GostCurveParams, gostCurve, gostCurveFrom } from '../../src/gost/curves.js';
import {
  decodeGostPublicKey,
  decodeGostSignature,
  decodeGostSpki,
  encodeGostPublicKey,
  encodeGostSignature,
  encodeGostSpki,
} from '../../src/gost/encoding.js';
import { GostPrivateKey, generateGostKeyPair, verifyGost, verifyGostAsync } from '../../src/gost/keys.js';
import { digestToE, gostPublicPoint, gostSignDigest, gostVerifyDigest } from '../../src/gost/sign.js';

/** RFC 7091 §7.1: the 256-bit test curve and example. */
const EX1 = {
  curve: {
    name: 'rfc7091-example-1',
    size: 32,
    h: 1n,
    p: 0x8000000000000000000000000000000000000000000000000000000000000431n,
    a: 7n,
    b: 0x5fbff498aa938ce739b8e022fbafef40563f6e6a3472fc2a514c0ce9dae23b7en,
    q: 0x8000000000000000000000000000000150fe8a1892976154c59cfc193accf5b3n,
    x: 2n,
    y: 0x08e2a8a0e65147d4bd6316030e16d19c85c97f0a9ca267122b96abbcea7e8fc8n,
  } satisfies GostCurveParams,
  d: 0x7a929ade789bb9be10ed359dd39a72c11b60961f49397eee1d19ce9891ec3b28n,
  Qx: 0x7f2b49e270db6d90d8595bec458b50c58585ba1d4e9b788f6689dbd8e56fd80bn,
  Qy: 0x26f1b489d6701dd185c8413a977b3cbbaf64d1c593d26627dffb101a87ff77dan,
  e: 0x2dfbc1b372d89a1188c09c52e0eec61fce52032ab1022e8e67ece6672b043ee5n,
  k: 0x77105c9b20bcd3122823c8cf6fcc7b956de33814e95b7fe64fed924594dceab3n,
  r: 0x41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493n,
  s: 0x01456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40n,
};

/** RFC 7091 §7.2: the 512-bit test curve and example. */
const EX2 = {
  curve: {
    name: 'rfc7091-example-2',
    size: 64,
    h: 1n,
    p: 0x4531acd1fe0023c7550d267b6b2fee80922b14b2ffb90f04d4eb7c09b5d2d15df1d852741af4704a0458047e80e4546d35b8336fac224dd81664bbf528be6373n,
    a: 7n,
    b: 0x1cff0806a31116da29d8cfa54e57eb748bc5f377e49400fdd788b649eca1ac4361834013b2ad7322480a89ca58e0cf74bc9e540c2add6897fad0a3084f302adcn,
    q: 0x4531acd1fe0023c7550d267b6b2fee80922b14b2ffb90f04d4eb7c09b5d2d15da82f2d7ecb1dbac719905c5eecc423f1d86e25edbe23c595d644aaf187e6e6dfn,
    x: 0x24d19cc64572ee30f396bf6ebbfd7a6c5213b3b3d7057cc825f91093a68cd762fd60611262cd838dc6b60aa7eee804e28bc849977fac33b4b530f1b120248a9an,
    y: 0x2bb312a43bd2ce6e0d020613c857acddcfbf061e91e5f2c3f32447c259f39b2c83ab156d77f1496bf7eb3351e1ee4e43dc1a18b91b24640b6dbb92cb1add371en,
  } satisfies GostCurveParams,
  d: 0x0ba6048aadae241ba40936d47756d7c93091a0e8514669700ee7508e508b102072e8123b2200a0563322dad2827e2714a2636b7bfd18aadfc62967821fa18dd4n,
  Qx: 0x115dc5bc96760c7b48598d8ab9e740d4c4a85a65be33c1815b5c320c854621dd5a515856d13314af69bc5b924c8b4ddff75c45415c1d9dd9dd33612cd530efe1n,
  Qy: 0x37c7c90cd40b0f5621dc3ac1b751cfa0e2634fa0503b3d52639f5d7fb72afd61ea199441d943ffe7f0c70a2759a3cdb84c114e1f9339fdf27f35eca93677beecn,
  e: 0x3754f3cfacc9e0615c4f4a7c4d8dab531b09b6f9c170c533a71d147035b0c5917184ee536593f4414339976c647c5d5a407adedb1d560c4fc6777d2972075b8cn,
  k: 0x0359e7f4b1410feacc570456c6801496946312120b39d019d455986e364f365886748ed7a44b3e794434006011842286212273a6d14cf70ea3af71bb1ae679f1n,
  r: 0x2f86fa60a081091a23dd795e1e3c689ee512a3c82ee0dcc2643c78eea8fcacd35492558486b20f1c9ec197c90699850260c93bcbcd9c5c3317e19344e173ae36n,
  s: 0x1081b394696ffe8e6585e7a9362d26b6325f56778aadbc081c0bfbe933d52ff5823ce288e8c4f362526080df7f70ce406a6eeb1f56919cb92a9853bde73e5b4an,
};

describe('RFC 7091 §7 worked examples', () => {
  for (const [name, ex] of [
    ['example 1 (256-bit test curve)', EX1],
    ['example 2 (512-bit test curve)', EX2],
  ] as const) {
    describe(name, () => {
      const curve = gostCurveFrom(ex.curve);
      // The example gives e; as a digest it is e's little-endian bytes (e < q, so α mod q = e).
      const digest = numberToBytesLE(ex.e, ex.curve.size);

      it('public key Q = dP', () => {
        const Q = gostPublicPoint(curve, ex.d).toAffine();
        expect(Q).toEqual({ x: ex.Qx, y: ex.Qy });
      });

      it('e is read from the digest as a little-endian integer', () => {
        expect(digestToE(ex.curve.q, digest)).toBe(ex.e);
      });

      it('signing with the given k gives (r, s)', () => {
        expect(gostSignDigest(curve, ex.d, digest, ex.k)).toEqual({ r: ex.r, s: ex.s });
      });

      it('the signature verifies; any change to r, s, e or Q does not', () => {
        const Q = curve.Point.fromAffine({ x: ex.Qx, y: ex.Qy });
        expect(gostVerifyDigest(curve, Q, digest, { r: ex.r, s: ex.s })).toBe(true);
        expect(gostVerifyDigest(curve, Q, digest, { r: ex.r ^ 1n, s: ex.s })).toBe(false);
        expect(gostVerifyDigest(curve, Q, digest, { r: ex.r, s: ex.s ^ 2n })).toBe(false);
        const other = digest.slice();
        other[0]! ^= 1;
        expect(gostVerifyDigest(curve, Q, other, { r: ex.r, s: ex.s })).toBe(false);
        expect(gostVerifyDigest(curve, Q.double(), digest, { r: ex.r, s: ex.s })).toBe(false);
      });

      it('r and s outside (0, q) are rejected', () => {
        const Q = curve.Point.fromAffine({ x: ex.Qx, y: ex.Qy });
        const q = ex.curve.q;
        expect(gostVerifyDigest(curve, Q, digest, { r: 0n, s: ex.s })).toBe(false);
        expect(gostVerifyDigest(curve, Q, digest, { r: ex.r, s: 0n })).toBe(false);
        expect(gostVerifyDigest(curve, Q, digest, { r: ex.r + q, s: ex.s })).toBe(false);
        expect(gostVerifyDigest(curve, Q, digest, { r: ex.r, s: ex.s + q })).toBe(false);
      });
    });
  }

  it('a digest equal to 0 mod q signs with e = 1 (RFC 7091 §6.1 step 2)', () => {
    const curve = gostCurveFrom(EX1.curve);
    const zero = numberToBytesLE(EX1.curve.q, 32); // α = q, so α mod q = 0
    expect(digestToE(EX1.curve.q, zero)).toBe(1n);
    const sig = gostSignDigest(curve, EX1.d, zero, EX1.k);
    expect(sig).toEqual(gostSignDigest(curve, EX1.d, numberToBytesLE(1n, 32), EX1.k));
    expect(gostVerifyDigest(curve, gostPublicPoint(curve, EX1.d), zero, sig)).toBe(true);
  });
});

describe('named curves', () => {
  for (const name of ['tc26-512-paramSetA', 'tc26-256-paramSetA', 'cryptopro-A'] as const) {
    it(`${name}: base point on the curve with order q, Hasse bound holds for h·q`, () => {
      const { params, Point } = gostCurve(name);
      Point.BASE.assertValidity();
      expect(
        Point.BASE.multiplyUnsafe(params.q - 1n)
          .add(Point.BASE)
          .is0(),
      ).toBe(true);
      const order = params.h * params.q;
      const t = params.p + 1n - order;
      expect(t * t <= 4n * params.p).toBe(true);
    });
  }

  it('tc26-256-paramSetA is the Weierstrass form of RFC 7836 §A.2 twisted Edwards curve (e = 1, d as given)', () => {
    const { p, a, b } = gostCurve('tc26-256-paramSetA').params;
    const e = 1n;
    const d = 0x0605f6b7c183fa81578bc39cfad518132b9df62897009af7e522c32d6dc7bffbn;
    const md = (x: bigint) => ((x % p) + p) % p;
    const inv = (x: bigint) => {
      let [r, newR, t, newT] = [p, md(x), 0n, 1n];
      while (newR !== 0n) {
        const qt = r / newR;
        [r, newR] = [newR, r - qt * newR];
        [t, newT] = [newT, t - qt * newT];
      }
      return md(t);
    };
    // s = (e - d)/4, t = (e + d)/6; a = s^2 - 3t^2, b = 2t^3 - t s^2 (RFC 7836 §A.2).
    const s = md((e - d) * inv(4n));
    const t = md((e + d) * inv(6n));
    expect(md(s * s - 3n * t * t)).toBe(a);
    expect(md(2n * t * t * t - t * s * s)).toBe(b);
  });
});

describe('keys, signing and verification on the KZ algorithm sets', () => {
  for (const alg of GOST_ALGORITHMS) {
    it(`${alg.id}: generate, sign, verify; the signature is r || s little-endian of ${2 * alg.size} bytes`, () => {
      const { privateKey, publicKeyInfo } = generateGostKeyPair(alg.id);
      expect(privateKey.signatureAlgorithm).toBe(alg.signatureOid);
      const data = new TextEncoder().encode(`tbs for ${alg.id}`);
      const sig = privateKey.sign(data);
      expect(sig).toHaveLength(2 * alg.size);
      expect(verifyGost(alg.signatureOid, publicKeyInfo, data, sig)).toBe(true);
      // Recompute from the integers: the halves are r then s, little-endian.
      const { r, s } = decodeGostSignature(alg.size, sig);
      const curve = gostCurve(alg.curveName);
      expect(gostVerifyDigest(curve, decodeGostSpki(publicKeyInfo).point, alg.hash(data), { r, s })).toBe(
        true,
      );
      const reversed = sig.slice().reverse(); // RFC 4491 layout: s || r big-endian
      expect(verifyGost(alg.signatureOid, publicKeyInfo, data, reversed)).toBe(false);
    });
  }

  it('every flipped bit of data, signature or key fails (gost2015-512)', () => {
    const key = GostPrivateKey.generate('gost2015-512');
    const data = new Uint8Array(100).fill(0x42);
    const sig = key.sign(data);
    fc.assert(
      fc.property(fc.nat({ max: 799 }), fc.nat({ max: 1023 }), (dataBit, sigBit) => {
        const d = data.slice();
        d[dataBit >> 3]! ^= 1 << (dataBit & 7);
        expect(verifyGost(key.signatureAlgorithm, key.publicKeyInfo, d, sig)).toBe(false);
        const s = sig.slice();
        s[sigBit >> 3]! ^= 1 << (sigBit & 7);
        expect(verifyGost(key.signatureAlgorithm, key.publicKeyInfo, data, s)).toBe(false);
      }),
      { numRuns: 20 },
    );
  });

  it('a key of one algorithm does not verify a signature OID of another', () => {
    const k256 = GostPrivateKey.generate('gost2015-256');
    const data = Uint8Array.of(1, 2, 3);
    const sig = k256.sign(data);
    expect(verifyGost(gostAlgorithm('gost2004').signatureOid, k256.publicKeyInfo, data, sig)).toBe(false);
    expect(verifyGost(gostAlgorithm('gost2015-256').signatureOid, k256.publicKeyInfo, data, sig)).toBe(true);
  });

  it('fromScalar: little-endian bytes, the same key as the bigint; out-of-range scalars refused', () => {
    const alg = gostAlgorithm('gost2015-512');
    const key = GostPrivateKey.generate('gost2015-512');
    const again = GostPrivateKey.fromScalar('gost2015-512', key.exportScalar());
    expect(again.publicKeyInfo).toEqual(key.publicKeyInfo);
    const q = gostCurve(alg.curveName).params.q;
    for (const bad of [0n, q, q + 1n, -1n]) {
      expect(() => GostPrivateKey.fromScalar(alg, bad)).toThrow(
        expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
      );
    }
    expect(() => GostPrivateKey.fromScalar(alg, new Uint8Array(32))).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_INVALID' }),
    );
  });

  it('the private scalar does not leak through JSON or string conversion', () => {
    const key = GostPrivateKey.fromScalar('gost2015-512', 0x1234567890abcdefn);
    const text = `${JSON.stringify(key)} ${String(key)}`;
    expect(text).not.toMatch(/1234567890abcdef|efcdab9078563412/i);
    expect(JSON.parse(JSON.stringify(key))).toEqual({
      type: 'private',
      algorithm: 'gost2015-512',
      signatureAlgorithm: '1.2.398.3.10.1.1.2.3.2',
    });
  });

  it('an unknown signature OID is ERR_UNSUPPORTED_ALGORITHM', () => {
    const key = GostPrivateKey.generate('gost2015-512');
    expect(() =>
      verifyGost('1.2.840.113549.1.1.11', key.publicKeyInfo, new Uint8Array(1), new Uint8Array(128)),
    ).toThrow(expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }));
  });
});

describe('large inputs (a million-entry CRL is ~48 MB)', () => {
  /** How many event-loop turns ran while `work` was pending. */
  async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
    let turns = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await work();
    running = false;
    return turns;
  }

  it('signAsync and verifyGostAsync hash in slices, letting the event loop run, with the same results', async () => {
    const { privateKey, publicKeyInfo } = generateGostKeyPair('gost2015-512');
    const data = new Uint8Array(3 * 256 * 1024 + 17).map((_, i) => (i * 7919) & 0xff);
    let signature: Uint8Array = new Uint8Array();
    expect(
      await turnsDuring(async () => {
        signature = await privateKey.signAsync(data);
      }),
    ).toBeGreaterThanOrEqual(3);
    // The same key and digest as the one-call path: each verifies the other's signature.
    expect(verifyGost(privateKey.signatureAlgorithm, publicKeyInfo, data, signature)).toBe(true);
    const syncSignature = privateKey.sign(data);
    let ok = false;
    expect(
      await turnsDuring(async () => {
        ok = await verifyGostAsync(privateKey.signatureAlgorithm, publicKeyInfo, data, syncSignature);
      }),
    ).toBeGreaterThanOrEqual(3);
    expect(ok).toBe(true);
    const changed = data.slice();
    changed[data.length - 1]! ^= 1; // in the last slice
    expect(await verifyGostAsync(privateKey.signatureAlgorithm, publicKeyInfo, changed, syncSignature)).toBe(
      false,
    );
    // The one-call path does not yield: the reason for the slices.
    expect(await turnsDuring(async () => privateKey.sign(data))).toBe(0);
  });

  it('verifyGostAsync refuses what verifyGost refuses (wrong length, other algorithm)', async () => {
    const { privateKey, publicKeyInfo } = generateGostKeyPair('gost2015-512');
    const data = new Uint8Array(300_000);
    const signature = privateKey.sign(data);
    expect(
      await verifyGostAsync(privateKey.signatureAlgorithm, publicKeyInfo, data, signature.subarray(1)),
    ).toBe(false);
    const other = generateGostKeyPair('gost2015-256');
    expect(await verifyGostAsync(other.privateKey.signatureAlgorithm, publicKeyInfo, data, signature)).toBe(
      false,
    );
  });
});

describe('public key validation', () => {
  const alg = gostAlgorithm('gost2015-512');
  const curve = gostCurve(alg.curveName);

  const expectKeyInvalid = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      expect(isPkiError(e, 'ERR_KEY_INVALID'), String(e)).toBe(true);
      return;
    }
    throw new Error('expected ERR_KEY_INVALID');
  };

  it('x || y little-endian round trips', () => {
    const P = curve.Point.BASE.multiply(987654321n);
    const bytes = encodeGostPublicKey(curve, P);
    expect(bytes.subarray(0, 64)).toEqual(numberToBytesLE(P.toAffine().x, 64));
    expect(decodeGostPublicKey(curve, bytes).equals(P)).toBe(true);
  });

  it('rejects wrong lengths, the identity, coordinates >= p and points off the curve', () => {
    const good = encodeGostPublicKey(curve, curve.Point.BASE.multiply(5n));
    expectKeyInvalid(() => decodeGostPublicKey(curve, good.subarray(1)));
    expectKeyInvalid(() => decodeGostPublicKey(curve, new Uint8Array(129)));
    expectKeyInvalid(() => decodeGostPublicKey(curve, new Uint8Array(128)));
    const bigX = good.slice();
    bigX.set(numberToBytesLE(curve.params.p + 3n, 64).subarray(0, 64), 0); // p + 3 fits 64 bytes? (p < 2^512)
    expectKeyInvalid(() => decodeGostPublicKey(curve, bigX));
    const offCurve = good.slice();
    offCurve[70]! ^= 1;
    expectKeyInvalid(() => decodeGostPublicKey(curve, offCurve));
  });

  it('tc26-256-paramSetA (cofactor 4): points outside the prime-order subgroup are rejected', () => {
    const c = gostCurve('tc26-256-paramSetA');
    const { Fp } = c.Point;
    let outside = 0;
    for (let x = 1n; outside < 3; x++) {
      const rhs = Fp.add(Fp.add(Fp.mul(Fp.sqr(x), x), Fp.mul(c.params.a, x)), c.params.b);
      let y: bigint;
      try {
        y = Fp.sqrt(rhs);
      } catch {
        continue;
      }
      const P = c.Point.fromAffine({ x, y });
      // q·P = O exactly for the subgroup; noble cannot represent points of order 2 (Y = 0), so a
      // multiple landing on one throws, which only happens outside the odd-order subgroup.
      let inSubgroup: boolean;
      try {
        inSubgroup = P.multiplyUnsafe(c.params.q - 1n)
          .add(P)
          .is0();
      } catch {
        inSubgroup = false;
      }
      const bytes = encodeGostPublicKey(c, P);
      if (inSubgroup) expect(decodeGostPublicKey(c, bytes).equals(P)).toBe(true);
      else {
        outside++;
        expectKeyInvalid(() => decodeGostPublicKey(c, bytes));
        // Its cofactor multiple is in the subgroup and accepted.
        const P4 = P.multiplyUnsafe(4n);
        if (!P4.is0()) expect(decodeGostPublicKey(c, encodeGostPublicKey(c, P4)).equals(P4)).toBe(true);
      }
    }
  });

  it('SPKI round trip and the NCA layout: SEQUENCE { SEQUENCE { key OID, SEQUENCE { paramset, digest } }, BIT STRING { OCTET STRING } }', () => {
    const P = curve.Point.BASE.multiply(31337n);
    const spki = encodeGostSpki(alg, P);
    const info = decodeGostSpki(spki);
    expect(info.algorithm.id).toBe('gost2015-512');
    expect(info.point.equals(P)).toBe(true);
    // 30 81 aa | 30 23 06 09 <key> 30 16 06 0a <set> 06 08 <digest> | 03 81 84 00 04 81 80 <x||y>
    expect(Buffer.from(spki.subarray(0, 6)).toString('hex')).toBe('3081ac302306');
    expect(spki.subarray(spki.length - 128)).toEqual(encodeGostPublicKey(curve, P));
  });

  it('SPKI with another parameter set or digest is refused', () => {
    const P = curve.Point.BASE.multiply(7n);
    const other = { ...alg, paramSetOid: '1.2.398.3.10.1.1.2.2.9' };
    expect(() => decodeGostSpki(encodeGostSpki(other, P))).toThrow(
      expect.objectContaining({ code: 'ERR_UNSUPPORTED_ALGORITHM' }),
    );
    const wrongDigest = { ...alg, digestOid: '1.2.398.3.10.1.3.2' };
    expectKeyInvalid(() => decodeGostSpki(encodeGostSpki(wrongDigest, P)));
  });

  it('encodeGostSignature / decodeGostSignature', () => {
    const sig = encodeGostSignature(32, { r: 0x0102n, s: 0x0304n });
    expect(Buffer.from(sig).toString('hex')).toBe(`0201${'00'.repeat(30)}0403${'00'.repeat(30)}`);
    expect(decodeGostSignature(32, sig)).toEqual({ r: 0x0102n, s: 0x0304n });
    expect(() => decodeGostSignature(32, sig.subarray(1))).toThrow(
      expect.objectContaining({ code: 'ERR_SIGNATURE_INVALID' }),
    );
  });
});
