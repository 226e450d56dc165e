/**
 * A small PKI made entirely by the `openssl` command (keys, CA, signer and TSA certificates) in a
 * temporary folder, for interop tests: objects that nothing in this package produced.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, tempDir } from '@kzpki/test-fixtures';

/** Runs openssl and throws with its stderr when it fails. */
export function openssl(args: string[], cwd: string, input?: Uint8Array | string): string {
  const r = runTool('openssl', args, { cwd, ...(input !== undefined ? { input } : {}) });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}):\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** The OpenSSL-made PKI: file names are relative to `dir`. */
export interface OpensslPki {
  dir: string;
  /** Writes a file into the folder and returns its path. */
  write(name: string, data: Uint8Array | string): string;
  read(name: string): Uint8Array;
  /** CA certificate (PEM file `ca.pem`), signer `signer.pem`/`signer.key`, EC signer `ec.pem`/`ec.key`, TSA `tsa.pem`/`tsa.key`. */
  caPem: Uint8Array;
  signerPem: Uint8Array;
  ecPem: Uint8Array;
  tsaPem: Uint8Array;
  dispose(): void;
}

/** Makes the PKI and an OpenSSL TSA configuration (`tsa.cnf`, default policy 1.2.3.4.1). */
export function makeOpensslPki(): OpensslPki {
  const tmp = tempDir('kzpki-cms-openssl-');
  const dir = tmp.dir;
  const run = (args: string[]) => openssl(args, dir);
  run([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '30',
    '-subj',
    '/C=KZ/CN=OpenSSL Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  tmp.write(
    'signer.ext',
    'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=emailProtection\n',
  );
  tmp.write(
    'tsa.ext',
    'keyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=critical,timeStamping\n',
  );
  const leaf = (name: string, newkey: string[], subj: string, ext: string) => {
    run(['req', '-new', ...newkey, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj]);
    run([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '20',
      '-extfile',
      ext,
      '-sha256',
    ]);
  };
  leaf(
    'signer',
    ['-newkey', 'rsa:2048'],
    '/C=KZ/serialNumber=IIN871008401427/CN=OPENSSL SIGNER',
    'signer.ext',
  );
  leaf(
    'ec',
    ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    '/C=KZ/CN=OPENSSL EC SIGNER',
    'signer.ext',
  );
  leaf('tsa', ['-newkey', 'rsa:2048'], '/C=KZ/CN=OpenSSL TSA', 'tsa.ext');
  tmp.write('tsaserial', '01\n');
  tmp.write(
    'tsa.cnf',
    [
      '[ tsa ]',
      'default_tsa = tsa_config1',
      '[ tsa_config1 ]',
      `dir = ${dir}`,
      'serial = $dir/tsaserial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.pem',
      'certs = $dir/ca.pem',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'other_policies = 1.2.398.3.3.2.6.2',
      'digests = sha1, sha256, sha384, sha512',
      'accuracy = secs:1, millisecs:500, microsecs:100',
      'clock_precision_digits = 0',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));
  return {
    dir,
    write: tmp.write,
    read,
    caPem: read('ca.pem'),
    signerPem: read('signer.pem'),
    ecPem: read('ec.pem'),
    tsaPem: read('tsa.pem'),
    dispose: tmp.dispose,
  };
}
