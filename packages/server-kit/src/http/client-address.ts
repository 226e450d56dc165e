/**
 * The client address behind reverse proxies, the one rate limits and audit entries are keyed on.
 * `X-Forwarded-For` is believed only from configured proxies, read from the right (each proxy
 * appends the address it was called from), stopping at the first address that is not a trusted
 * proxy. Trusting every proxy (express `trust proxy: true`) would take the leftmost entry, which
 * the client writes itself: anyone could pick their own rate-limit bucket.
 *
 * proxy-addr (express's own implementation) does the parsing and CIDR matching.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyAddr from 'proxy-addr';

/**
 * Proxies whose `X-Forwarded-For` is believed: addresses, CIDRs, or the names `loopback`,
 * `linklocal`, `uniquelocal` (express `trust proxy` syntax). Empty: none (the socket address).
 */
export type TrustedProxies = readonly string[];

/** A compiled {@link TrustedProxies} list. */
export type TrustedProxyTest = (address: string, hop: number) => boolean;

/**
 * Compiles a list once (it is checked on every request).
 * @throws {TypeError} for a malformed address or CIDR.
 * @example
 * ```ts
 * const trusted = compileTrustedProxies(['loopback', '10.0.0.0/8']);
 * ```
 */
export function compileTrustedProxies(list: TrustedProxies): TrustedProxyTest {
  return list.length === 0 ? () => false : proxyAddr.compile([...list]);
}

/**
 * The client address of a request: the socket's, or what trusted proxies forwarded.
 * @example
 * ```ts
 * clientAddress(req, compileTrustedProxies(['loopback'])); // '203.0.113.7' behind a local proxy
 * ```
 */
export function clientAddress(req: IncomingMessage, trusted: TrustedProxyTest): string {
  if (req.socket.remoteAddress === undefined) return 'unknown';
  return proxyAddr(req, trusted);
}

/**
 * The express `trust proxy` setting of a list (`false` when empty), for the apps' express
 * applications, so that `req.ip` follows the same rule.
 * @example
 * ```ts
 * app.set('trust proxy', trustProxySetting(['loopback']));
 * ```
 */
export function trustProxySetting(list: TrustedProxies): false | string[] {
  return list.length === 0 ? false : [...list];
}

/**
 * `true` for listen addresses only this machine reaches: 127.0.0.0/8, ::1 (also IPv4-mapped),
 * `localhost`. Anything else (0.0.0.0, ::, a LAN address, another host name) is a network address,
 * where dev mode and the public development passphrases are refused.
 * @example
 * ```ts
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0'); // false
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost') return true;
  const v4 = h.startsWith('::ffff:') && isIP(h.slice(7)) === 4 ? h.slice(7) : h;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  if (isIP(h) === 6) return /^(0{0,4}:){7}0{0,3}1$|^::1$/.test(h);
  return false;
}
