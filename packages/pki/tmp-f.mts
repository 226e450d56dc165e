import { generateKeyPair } from './src/keys.ts';
import { createCsr, verifyCsr } from './src/csr.ts';
import { buildNcaSubject } from './src/subject.ts';
import { isPkiError } from './src/errors.ts';
const keys = await generateKeyPair('ECDSA-P256');
const subject = buildNcaSubject({ surname: 'Тестов', givenName: 'Тест', patronymic: 'Тестович', iin: '871008401427', bin: '940140000385', organization: 'АО "ТЕСТ"', roleCode: 'ROLE02', businessCategory: 'KS1234', template: 'treasury' });
const der = await createCsr({ keys, subject, template: 'treasury', purpose: 'sign' });
let found = 0;
for (let n = 0; n < 200000 && found < 3; n++) {
  const m = der.slice();
  const k = 1 + Math.floor(Math.random() * 4);
  for (let j = 0; j < k; j++) m[Math.floor(Math.random() * m.length)] = Math.floor(Math.random() * 256);
  try { await verifyCsr(m); } catch (e) { if (!isPkiError(e)) { found++; console.log(e); } }
}
console.log('done');
