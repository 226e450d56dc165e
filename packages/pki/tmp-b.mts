import { generateKeyPair, exportSpki } from './src/keys.ts';
import { getCrypto } from './src/crypto-provider.ts';
import { issueCertificate } from './src/issue.ts';
import { createCsr, verifyCsr } from './src/csr.ts';
import { rootCaProfile, templateProfile } from './src/templates.ts';
import { buildNcaSubject } from './src/subject.ts';
const ik = await generateKeyPair('RSA-2048');
const ca = await issueCertificate({ publicKey: ik.publicKey, subject: [{type:'2.5.4.3', value:'CA'}], profile: rootCaProfile(), issuerKey: ik.privateKey });
const lk = await generateKeyPair('RSA-2048'); const spki = await exportSpki(lk.publicKey);
const subject = buildNcaSubject({ surname: 'ТЕСТОВ', givenName: 'ТЕСТ', patronymic: 'ТЕСТОВИЧ', iin: '871008401427' });
const csr = await verifyCsr(await createCsr({ keys: lk, subject, template: 'individual', purpose: 'auth' }));
const profile = templateProfile('individual','auth');
const urls = {crl:['http://x.test/nca.crl'], deltaCrl:['http://x.test/nca_d.crl'], ocsp:['http://x.test/ocsp'], caIssuers:['http://x.test/nca.cer']};
for (const label of ['warm','dn','csr']) {
let t = performance.now(); let n = 0;
while (performance.now() - t < 2000) { await issueCertificate(label === 'csr' ? { csr, profile, issuer: ca.der, issuerKey: ik.privateKey, urls } : { publicKey: spki, subject, profile, issuer: ca.der, issuerKey: ik.privateKey, urls }); n++; }
console.log(label, 'issue/s', n / 2);
}
let t = performance.now(); let n = 0;
const data = new Uint8Array(1100);
while (performance.now() - t < 2000) { await getCrypto().subtle.sign('RSASSA-PKCS1-v1_5', ik.privateKey, data); n++; }
console.log('sign/s', n/2);
