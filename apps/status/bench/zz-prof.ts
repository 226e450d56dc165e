// temporary profiling helper (removed after use)
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os'; import { join } from 'node:path';
import autocannon from 'autocannon';
import { createOcspRequest, toBase64, exportPkcs8, toPem } from '@kzpki/pki';
import { makeHierarchy } from '../test/support/hierarchy.js';
const h = await makeHierarchy();
const dir = mkdtempSync(join(tmpdir(), 'zzprof-'));
const certs = await Promise.all(Array.from({ length: 50 }, () => h.issue()));
writeFileSync(join(dir, 'ca.pem'), h.issuing.cert.pem);
writeFileSync(join(dir, 'r.pem'), h.responder.cert.pem);
writeFileSync(join(dir, 'r.key'), toPem(await exportPkcs8(h.responder.keys.privateKey), 'PRIVATE KEY'));
writeFileSync(join(dir, 'index.txt'), certs.map((c, i) => `V\t301231000000Z\t\t${c.serialHex.toUpperCase()}\tunknown\t/CN=${i}`).join('\n') + '\n');
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--import', 'tsx', 'src/main.ts'], { env: { ...process.env, KZPKI_STATUS_SOURCE: 'offline', KZPKI_STATUS_PORT: '18555', KZPKI_STATUS_CA_CERT: join(dir, 'ca.pem'), KZPKI_STATUS_RESPONDER_CERT: join(dir, 'r.pem'), KZPKI_STATUS_RESPONDER_KEY: join(dir, 'r.key'), KZPKI_STATUS_INDEX: join(dir, 'index.txt') }, stdio: 'inherit', detached: true });
await new Promise((r) => setTimeout(r, 4000));
const requests = [];
for (const c of certs) { const q = await createOcspRequest({ certificate: c.der, issuer: h.issuing.cert.der, nonce: false }); requests.push({ method: 'GET', path: `/ocsp/${encodeURIComponent(toBase64(q.der))}` }); }
await autocannon({ url: 'http://127.0.0.1:18555', requests, connections: 32, duration: 1 });
const r = await autocannon({ url: 'http://127.0.0.1:18555', requests, connections: 32, duration: 5 });
console.log('req/s', Math.round(r.requests.average), 'p50', r.latency.p50, 'p99', r.latency.p99, 'errors', r.errors, r.non2xx);
process.kill(child.pid!, 'SIGINT');
await new Promise((r) => setTimeout(r, 2000));
console.log('profile dir', dir);
