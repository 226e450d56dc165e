/**
 * The emulator's TLS certificate for `wss://127.0.0.1:13579`, made with `@kzpki/pki`'s own
 * issuance: a local CA (what the person tells the browser to trust) and a server certificate for
 * 127.0.0.1, ::1 and localhost. Both use ECDSA P-256.
 *
 * The CA's private key is never written anywhere: it signs the server certificate once and is
 * dropped, so trusting the CA cannot let anyone else mint certificates for other sites. When the
 * server certificate nears its end, both are made anew (and the new CA is trusted again).
 *
 * Files, in `<config dir>/ncalayer/` (folder 0700): `ca.pem`, `server.pem` (public, 0644) and
 * `server-key.pem` (0600).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { join } from 'node:path';
import {
  type CertificateProfile,
  exportPkcs8,
  generateKeyPair,
  inspectCertificate,
  issueCertificate,
  NCA_OIDS,
  toPem,
} from '@kzpki/pki';

/** The emulator's TLS material. */
export interface EmulatorTls {
  /** The folder of the files. */
  dir: string;
  /** The local CA certificate, PEM: the one to trust in the browser. */
  caPem: string;
  /** Where `caPem` is stored. */
  caPath: string;
  /** The server certificate, PEM. */
  certPem: string;
  /** The server key, PKCS #8 PEM (stored 0600). */
  keyPem: string;
  /** End of the server certificate's validity. */
  notAfter: Date;
  /** Whether this call made the certificates (false: read from the folder). */
  created: boolean;
}

/** Validity of the certificates: the longest browsers accept for a server certificate (398 days) minus one. */
const VALIDITY_DAYS = 397;
/** Renew this long before the end of validity. */
const RENEW_BEFORE_MS = 14 * 86_400_000;

/**
 * kzpki's configuration folder: `$KZPKI_CONFIG_DIR`, else `%APPDATA%\kzpki` on Windows, else
 * `$XDG_CONFIG_HOME/kzpki`, else `~/.config/kzpki`.
 */
export function defaultConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.KZPKI_CONFIG_DIR) return env.KZPKI_CONFIG_DIR;
  if (platform() === 'win32' && env.APPDATA) return join(env.APPDATA, 'kzpki');
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'kzpki');
}

const caProfile: CertificateProfile = {
  name: 'ncalayer-emulator-ca',
  keyUsage: ['keyCertSign', 'cRLSign'],
  keyUsageCritical: true,
  extKeyUsage: [],
  policies: [],
  basicConstraints: { ca: true, pathLength: 0, critical: true },
  validityDays: VALIDITY_DAYS,
};

const serverProfile: CertificateProfile = {
  name: 'ncalayer-emulator-tls',
  keyUsage: ['digitalSignature'],
  keyUsageCritical: true,
  extKeyUsage: [NCA_OIDS.eku.serverAuth],
  policies: [],
  basicConstraints: { ca: false, critical: true },
  subjectAltName: { dns: ['localhost'], ip: ['127.0.0.1', '::1'] },
  validityDays: VALIDITY_DAYS,
};

function writeAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode); // the umask may have narrowed or the file existed
  renameSync(tmp, path);
}

function readExisting(dir: string, now: Date): EmulatorTls | undefined {
  const caPath = join(dir, 'ca.pem');
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server-key.pem');
  if (![caPath, certPath, keyPath].every((p) => existsSync(p))) return undefined;
  try {
    const caPem = readFileSync(caPath, 'utf8');
    const certPem = readFileSync(certPath, 'utf8');
    const keyPem = readFileSync(keyPath, 'utf8');
    const info = inspectCertificate(certPem);
    const notAfter = new Date(info.notAfter);
    if (notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS) return undefined;
    if (!keyPem.includes('PRIVATE KEY')) return undefined;
    if (platform() !== 'win32') chmodSync(keyPath, 0o600);
    return { dir, caPem, caPath, certPem, keyPem, notAfter, created: false };
  } catch {
    return undefined; // unreadable: make new ones
  }
}

/**
 * Returns the emulator's TLS certificates from `<configDir>/ncalayer/`, making them when absent,
 * unreadable or within 14 days of their end.
 * @example
 * ```ts
 * const tls = await ensureEmulatorTls();
 * console.log(tls.caPem); // trust this in the browser
 * ```
 */
export async function ensureEmulatorTls(
  options: { configDir?: string; now?: Date; renew?: boolean } = {},
): Promise<EmulatorTls> {
  const dir = join(options.configDir ?? defaultConfigDir(), 'ncalayer');
  const now = options.now ?? new Date();
  if (!options.renew) {
    const existing = readExisting(dir, now);
    if (existing) return existing;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform() !== 'win32') chmodSync(dir, 0o700);
  const [caKeys, serverKeys] = await Promise.all([
    generateKeyPair('ECDSA-P256', { extractable: false }),
    generateKeyPair('ECDSA-P256'),
  ]);
  const stamp = now.toISOString().slice(0, 10);
  const ca = await issueCertificate({
    publicKey: caKeys.publicKey,
    subject: [
      { type: NCA_OIDS.attribute.organization, value: 'kzpki' },
      { type: NCA_OIDS.attribute.commonName, value: `kzpki NCALayer emulator local CA ${stamp}` },
    ],
    profile: caProfile,
    issuerKey: caKeys.privateKey,
  });
  const server = await issueCertificate({
    publicKey: serverKeys.publicKey,
    subject: [
      { type: NCA_OIDS.attribute.organization, value: 'kzpki' },
      { type: NCA_OIDS.attribute.commonName, value: '127.0.0.1' },
    ],
    profile: serverProfile,
    issuer: ca.der,
    issuerKey: caKeys.privateKey,
  });
  const keyPem = toPem(await exportPkcs8(serverKeys.privateKey), 'PRIVATE KEY');
  const caPath = join(dir, 'ca.pem');
  writeAtomically(join(dir, 'server-key.pem'), keyPem, 0o600);
  writeAtomically(join(dir, 'server.pem'), server.pem, 0o644);
  writeAtomically(caPath, ca.pem, 0o644);
  return {
    dir,
    caPem: ca.pem,
    caPath,
    certPem: server.pem,
    keyPem,
    notAfter: server.notAfter,
    created: true,
  };
}

/**
 * How to make browsers trust the emulator's CA, by platform (what `kzpki ncalayer --print-cert`
 * prints after the certificate).
 */
export function trustInstructions(caPath: string): string {
  return [
    `The emulator's local CA is ${caPath}. Trust it once, then restart the browser:`,
    `  Firefox (any OS): Settings > Privacy & Security > Certificates > View Certificates > Authorities > Import, tick "websites";`,
    `  Chrome/Chromium on Linux: certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n "kzpki NCALayer emulator" -i "${caPath}";`,
    `  macOS (Safari, Chrome): security add-trusted-cert -r trustRoot -k ~/Library/Keychains/login.keychain-db "${caPath}";`,
    `  Windows (Edge, Chrome): certutil -user -addstore Root "${caPath}".`,
    `Or open https://127.0.0.1:13579 once and accept the warning (the browser remembers the exception).`,
    `Its key was discarded after signing the server certificate: the CA can sign nothing else.`,
  ].join('\n');
}
