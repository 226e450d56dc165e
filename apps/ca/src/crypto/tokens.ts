/** Random identifiers and bearer tokens (CSPRNG), and how tokens are stored (hashed). */
import { randomBytes } from 'node:crypto';
import { sha256Hex } from './hash.js';

/** A 128-bit random identifier, base64url (22 characters): application and challenge ids. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}

/** A 256-bit bearer token with a readable prefix (`kza_` applicant, `kzc_` cabinet, `kzo_` operator). */
export function randomToken(prefix: 'kza' | 'kzc' | 'kzo'): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** What the store keeps instead of a token: its SHA-256. Tokens have 256 bits of entropy, so no salt is needed. */
export function tokenHash(token: string): string {
  return sha256Hex(token);
}
