/**
 * Rate limits of the status service key on the real client (issue 10 #8): behind a trusted proxy
 * (the portal) each client has its own bucket, and the client's own X-Forwarded-For entries (the
 * leftmost) never pick one: the TSA took the leftmost entry before.
 */
import {
  generateKeyPair,
  issueCertificate,
  NCA_OIDS,
  NCA_TSA_POLICY_OIDS,
  tsaCertificateProfile,
} from '@kzpki/pki';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningStatusServer, startStatus } from '../src/server.js';
import { MemoryStatusSource } from '../src/source/memory-source.js';
import { makeHierarchy, type TestHierarchy } from './support/hierarchy.js';

let h: TestHierarchy;
let tsa: { certificate: Uint8Array; privateKey: CryptoKey };
const servers: RunningStatusServer[] = [];

beforeAll(async () => {
  h = await makeHierarchy();
  const keys = await generateKeyPair('RSA-2048');
  const issued = await issueCertificate({
    publicKey: keys.publicKey,
    issuer: h.issuing.cert.der,
    issuerKey: h.issuing.keys.privateKey,
    subject: [
      { type: NCA_OIDS.attribute.country, value: 'KZ' },
      { type: NCA_OIDS.attribute.commonName, value: 'KZPKI TEST TSA' },
    ],
    profile: tsaCertificateProfile(),
  });
  tsa = { certificate: issued.der, privateKey: keys.privateKey };
}, 60_000);
afterAll(async () => {
  for (const s of servers) await s.close();
});

async function start(options: {
  trustedProxies?: string[];
  trustProxy?: boolean;
}): Promise<RunningStatusServer> {
  const source = new MemoryStatusSource({
    ...h.material,
    timestampSigners: [{ ...tsa, chain: [], policy: NCA_TSA_POLICY_OIDS.rsa }],
  });
  const s = await startStatus({
    source,
    port: 0,
    materialRefreshMs: 0,
    applicationRateLimit: { capacity: 1, refillPerSecond: 0.0001 },
    timestampRateLimit: { capacity: 1, refillPerSecond: 0.0001 },
    ...options,
  });
  servers.push(s);
  return s;
}

const lookup = (url: string, xff: string) =>
  fetch(`${url}/api/v1/applications/27888601100404`, { headers: { 'x-forwarded-for': xff } });
const stamp = (url: string, xff: string) =>
  fetch(`${url}/tsp`, {
    method: 'POST',
    headers: { 'content-type': 'application/timestamp-query', 'x-forwarded-for': xff },
    body: new Uint8Array([0x30, 0x00]),
  });

describe('client address of the status service rate limits', () => {
  it('behind a trusted proxy each client has its own application-lookup bucket', async () => {
    const s = await start({ trustedProxies: ['loopback'] });
    expect((await lookup(s.url, '203.0.113.7')).status).toBe(404);
    expect((await lookup(s.url, '203.0.113.7')).status).toBe(429);
    expect((await lookup(s.url, '198.51.100.23')).status).toBe(404);
  });

  it("the client's own leftmost X-Forwarded-For entries pick no bucket (TSA and lookups)", async () => {
    // `trustProxy: true` (deprecated) trusts loopback proxies, no longer every peer.
    const s = await start({ trustProxy: true });
    // The client forges a new leftmost entry each time; the proxy appends the address it saw.
    expect((await stamp(s.url, '6.6.6.1, 203.0.113.7')).status).toBe(200);
    expect((await stamp(s.url, '6.6.6.2, 203.0.113.7')).status).toBe(429);
    expect((await lookup(s.url, '6.6.6.3, 203.0.113.7')).status).toBe(404);
    expect((await lookup(s.url, '6.6.6.4, 203.0.113.7')).status).toBe(429);
  });

  it('without trusted proxies the header is ignored', async () => {
    const s = await start({});
    expect((await lookup(s.url, '192.0.2.1')).status).toBe(404);
    expect((await lookup(s.url, '192.0.2.2')).status).toBe(429);
  });
});
