/**
 * The client address behind proxies (issue 10 #8): X-Forwarded-For only from trusted proxies,
 * read from the right, so a client's own header never picks its bucket.
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress, compileTrustedProxies, isLoopbackHost, trustProxySetting } from '../src/index.js';

const request = (socket: string, xff?: string): IncomingMessage => {
  const s = { remoteAddress: socket };
  return { socket: s, connection: s, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } } as never;
};

describe('clientAddress', () => {
  const none = compileTrustedProxies([]);
  const loopback = compileTrustedProxies(['loopback']);
  const lan = compileTrustedProxies(['loopback', '10.0.0.0/8']);

  it('without trusted proxies: the socket address, the header ignored', () => {
    expect(clientAddress(request('203.0.113.7', '1.2.3.4'), none)).toBe('203.0.113.7');
    expect(clientAddress(request('127.0.0.1', '1.2.3.4'), none)).toBe('127.0.0.1');
  });

  it('behind a trusted proxy: the address it forwarded', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.7'), loopback)).toBe('203.0.113.7');
    expect(clientAddress(request('::1', '203.0.113.7'), loopback)).toBe('203.0.113.7');
  });

  it("a client's own X-Forwarded-For entries (the leftmost) are never believed", () => {
    // The client sent "X-Forwarded-For: 6.6.6.6"; the portal appended the address it saw.
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 203.0.113.7'), loopback)).toBe('203.0.113.7');
    // Two trusted hops: the first untrusted address from the right.
    expect(clientAddress(request('127.0.0.1', '6.6.6.6, 198.51.100.1, 10.1.2.3'), lan)).toBe('198.51.100.1');
  });

  it('a header from an untrusted peer is ignored', () => {
    expect(clientAddress(request('198.51.100.9', '203.0.113.7'), loopback)).toBe('198.51.100.9');
  });

  it('express settings follow the same list', () => {
    expect(trustProxySetting([])).toBe(false);
    expect(trustProxySetting(['loopback'])).toEqual(['loopback']);
    expect(() => compileTrustedProxies(['not-an-address'])).toThrow(TypeError);
  });
});

describe('isLoopbackHost', () => {
  it('knows the addresses only this machine reaches', () => {
    for (const h of [
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      'localhost',
      '::ffff:127.0.0.1',
      '0:0:0:0:0:0:0:1',
    ])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of [
      '0.0.0.0',
      '::',
      '192.168.1.10',
      '10.0.0.1',
      'ca.example.kz',
      '128.0.0.1',
      '::ffff:10.0.0.1',
    ])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
