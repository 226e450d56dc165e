/**
 * The NCA operator's key file, for the operator view. The CA keeps the operator's key encrypted
 * at rest (AES-256-GCM under a scrypt KEK, envelope documented in apps/ca key-envelope.ts); the
 * test, holding the passphrase like the CA administrator, decrypts it and packs key and
 * certificate into a PKCS#12 file, as an administrator would hand it to the operator.
 */
import { createDecipheriv } from 'node:crypto';
import { caStorePath, kekFor, keyAad, openCaStore } from '@kzpki/ca';
import { createPkcs12 } from '@kzpki/pki';

/** Builds the operator's AUTH key file from the CA store in `dataDir`. */
export async function operatorKeyFile(
  dataDir: string,
  passphrase: string,
  password: string,
): Promise<Uint8Array> {
  const store = openCaStore(caStorePath(dataDir));
  try {
    const record = await store.getCaKey('operator');
    const kek = await kekFor(store, passphrase);
    if (!record || !kek) throw new Error('The CA is not initialised');
    const env = JSON.parse(record.encryptedKey) as { iv: string; ct: string; tag: string };
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(env.iv, 'base64url'));
    decipher.setAAD(Buffer.from(keyAad('operator', record.skiHex), 'utf8'));
    decipher.setAuthTag(Buffer.from(env.tag, 'base64url'));
    const pkcs8 = new Uint8Array(
      Buffer.concat([decipher.update(Buffer.from(env.ct, 'base64url')), decipher.final()]),
    );
    return await createPkcs12({ privateKey: pkcs8, certificate: record.certificate, password });
  } finally {
    await store.close();
  }
}
