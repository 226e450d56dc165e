import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCa } from '@kzpki/ca';
import { approve, devSmsOutbox, enroll } from '@kzpki/client';
const dir = mkdtempSync(join(tmpdir(), 'kzpki-smoke-'));
console.time('ca');
const ca = await startCa({ passphrase: 'x', dataDir: dir, init: { keyAlgorithms: { root: 'RSA-2048', issuing: 'RSA-2048' } }, config: { testMode: true, pinScrypt: { N: 1024, r: 8, p: 1 } } });
console.timeEnd('ca');
const outbox = devSmsOutbox(ca.url);
console.time('enroll');
const fm = await enroll({ caUrl: ca.url, template: 'first-manager', iin: '780203403451', bin: '150440000013', password: 'Qwerty12', otp: outbox.otp, onProgress: (e) => console.log(e.index, e.step, e.message) });
console.timeEnd('enroll');
console.log(fm.applicationNumber, fm.status, fm.keyFiles.map((f) => f.fileName));
const auth = fm.keyFiles[0]!.bytes, sign = fm.keyFiles[1]!.bytes;
const emp = await enroll({ caUrl: ca.url, template: 'employee', iin: '911212307895', bin: '150440000013', password: 'Qwerty12', otp: outbox.otp,
  wait: { pollIntervalMs: 200 },
  onAwaitingApproval: async ({ number }) => { const r = await approve({ caUrl: ca.url, keyFile: auth, signKeyFile: sign, password: 'Qwerty12', numbers: [number], decide: () => 'approve' }); console.log('approved', r.map(o => o.result?.status)); },
  onProgress: (e) => console.log(e.index, e.step, e.message) });
console.log(emp.applicationNumber, emp.status);
const exp = await enroll({ caUrl: ca.url, template: 'individual', iin: '871008401427', password: 'Qwerty12', otp: outbox.otp, validity: { notBefore: new Date('2023-01-01'), notAfter: new Date('2024-01-01') } });
console.log(exp.status, exp.keyFiles[0]!.certificate.notAfter);
await ca.close();
