/**
 * The client's connection handling against the emulator over real loopback sockets: the version
 * greeting, one request at a time (two concurrent calls reach NCALayer one after the other), time
 * limits (the late answer is never taken for the next request's), reconnection after NCALayer
 * restarts, the legacy `--heartbeat--` keep-alive, and NCALayer being absent. No assertion is about
 * durations: every wait ends on an event, and the short time limits here fire because the person
 * never answers, not because a machine is slow.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { NCALayerClient } from '../src/client.js';
import type { ConnectionEvent } from '../src/connection.js';
import type { KeyChoice, KeyPrompt, Person } from '../src/emulator/person.js';
import { scriptedPerson } from '../src/emulator/person.js';
import { startEmulator } from '../src/emulator/server.js';
import { isNCALayerError } from '../src/errors.js';
import { type Harness, makeHarness } from './support/harness.js';
import { PASSWORD } from './support/test-pki.js';

let h: Harness;

beforeAll(async () => {
  h = await makeHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A person who waits at the dialog until released. */
function gatedPerson(): { person: Person; asked: Promise<void>; release(): void } {
  let release!: () => void;
  let asked!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const askedP = new Promise<void>((r) => {
    asked = r;
  });
  const inner = scriptedPerson({ password: PASSWORD });
  return {
    person: {
      async choose(prompt: KeyPrompt): Promise<KeyChoice> {
        asked();
        await gate;
        return inner.choose(prompt);
      },
      retryPassword: inner.retryPassword,
    },
    asked: askedP,
    release,
  };
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('connection', () => {
  it('connect() reads the version NCALayer announces', async () => {
    const c = h.newClient();
    expect(await c.connect()).toEqual({ version: '1.4' });
    expect(c.version).toBe('1.4');
    expect(c.connected).toBe(true);
  });

  it('two concurrent calls are sent one after the other (NCALayer answers one request at a time)', async () => {
    const gated = gatedPerson();
    h.setPerson(gated.person);
    const c = h.newClient();
    const start = h.events.length;
    const first = c.signCms({ data: 'one', allowTestKeys: true });
    const second = c.commonUtils.getActiveTokens();
    await gated.asked;
    // The person sits at the first dialog: the second request has not been sent.
    const seen = () => h.events.slice(start).filter((e) => e.type === 'request' || e.type === 'answered');
    expect(seen().map((e) => `${e.type} ${e.method}`)).toEqual(['request kz.gov.pki.knca.basics.sign']);
    gated.release();
    await Promise.all([first, second]);
    expect(seen().map((e) => `${e.type} ${e.method}`)).toEqual([
      'request kz.gov.pki.knca.basics.sign',
      'answered kz.gov.pki.knca.basics.sign',
      'request kz.gov.pki.knca.commonUtils.getActiveTokens',
      'answered kz.gov.pki.knca.commonUtils.getActiveTokens',
    ]);
    expect(await second).toEqual([]);
  });

  it('a request that times out drops the connection; the late answer is not taken for the next request', async () => {
    const gated = gatedPerson();
    h.setPerson(gated.person);
    const c = h.newClient();
    await c.connect();
    const connections = h.events.filter((e) => e.type === 'connection').length;
    const signed = () => h.events.filter((x) => x.type === 'signed').length;
    const signedBefore = signed();
    // This request's own time limit (the client's default is ten minutes).
    const e = await rejection(c.signCms({ data: 'late', allowTestKeys: true, timeoutMs: 300 }));
    expect(isNCALayerError(e, 'ERR_TIMEOUT')).toBe(true);
    expect(c.connected).toBe(false);
    // The person finally signs; NCALayer's answer goes to the dropped connection.
    gated.release();
    await until(() => signed() === signedBefore + 1);
    h.person();
    expect(await c.commonUtils.getActiveTokens()).toEqual([]);
    expect(h.events.filter((x) => x.type === 'connection').length).toBe(connections + 1);
  });

  it('reconnects after NCALayer restarts; a request in flight fails with ERR_CONNECTION_LOST', async () => {
    const first = await startEmulator({
      keysDir: h.pki.dir,
      person: scriptedPerson({ password: PASSWORD }),
      tls: false,
      port: 0,
    });
    const port = first.port;
    const events: ConnectionEvent[] = [];
    const c = new NCALayerClient({
      url: first.url,
      WebSocket,
      reconnectDelayMs: 50,
      onEvent: (e) => events.push(e),
    });
    expect(await c.commonUtils.getActiveTokens()).toEqual([]);
    await first.close();
    await until(() => events.some((e) => e.type === 'close'));
    expect(c.connected).toBe(false);
    const gated = gatedPerson();
    const second = await startEmulator({ keysDir: h.pki.dir, person: gated.person, tls: false, port });
    try {
      expect(await c.commonUtils.getActiveTokens()).toEqual([]);
      expect(events.filter((e) => e.type === 'open')).toHaveLength(2);
      const inFlight = c.commonUtils.getKeyInfo('PKCS12');
      await gated.asked;
      await second.close();
      const e = await rejection(inFlight);
      expect(isNCALayerError(e, 'ERR_CONNECTION_LOST')).toBe(true);
    } finally {
      gated.release();
      c.close();
    }
  });

  it('NCALayer absent: ERR_NCALAYER_UNAVAILABLE after the retries', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const events: ConnectionEvent[] = [];
    const c = new NCALayerClient({
      url: `ws://127.0.0.1:${port}`,
      WebSocket,
      reconnectAttempts: 2,
      reconnectDelayMs: 10,
      onEvent: (e) => events.push(e),
    });
    const e = await rejection(c.commonUtils.getActiveTokens());
    expect(isNCALayerError(e, 'ERR_NCALAYER_UNAVAILABLE')).toBe(true);
    expect((e as Error).message).toContain('Is it running');
    expect(events.filter((x) => x.type === 'open')).toHaveLength(0);
  });

  it('the legacy keep-alive: --heartbeat-- sent while idle and echoed by the emulator', async () => {
    const events: ConnectionEvent[] = [];
    const c = h.newClient({ heartbeatIntervalMs: 20, onEvent: (e) => events.push(e) });
    await c.connect();
    await until(() => events.filter((e) => e.type === 'heartbeat-received').length >= 3);
    expect(events.filter((e) => e.type === 'heartbeat-sent').length).toBeGreaterThanOrEqual(3);
    // Heartbeats never stand in for answers.
    expect(await c.legacy.getHash('a', 'SHA256')).toBe('ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs=');
    expect(c.connected).toBe(true);
  });

  it('a peer that stops answering heartbeats is dropped, and a greeting-less peer still connects', async () => {
    // A WebSocket server that accepts and never says anything (not NCALayer: a hung one).
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const events: ConnectionEvent[] = [];
    const c = new NCALayerClient({
      url,
      WebSocket,
      greetingTimeoutMs: 50,
      heartbeatIntervalMs: 20,
      missedHeartbeatsLimit: 2,
      onEvent: (e) => events.push(e),
    });
    try {
      expect(await c.connect()).toEqual({ version: undefined });
      await until(() => events.some((e) => e.type === 'heartbeat-lost'));
      expect(c.connected).toBe(false);
      expect(events.filter((e) => e.type === 'heartbeat-sent')).toHaveLength(2);
    } finally {
      c.close();
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });

  it('close(): queued requests fail with ERR_CLIENT_CLOSED, the one in flight with ERR_CONNECTION_LOST', async () => {
    const gated = gatedPerson();
    h.setPerson(gated.person);
    const c = h.newClient();
    const inFlight = rejection(c.commonUtils.getKeyInfo('PKCS12'));
    const queued = rejection(c.commonUtils.getActiveTokens());
    await gated.asked;
    c.close();
    expect(isNCALayerError(await inFlight, 'ERR_CONNECTION_LOST')).toBe(true);
    expect(isNCALayerError(await queued, 'ERR_CLIENT_CLOSED')).toBe(true);
    gated.release();
  });

  it('without a WebSocket implementation (Node 20 has no global one) the client says what to pass', async () => {
    const hasGlobal = typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function';
    const c = new NCALayerClient({ url: h.emulator.url });
    if (hasGlobal) {
      // Node 22+: the global WebSocket works as the browser's does.
      expect((await c.connect()).version).toBe('1.4');
      c.close();
    } else {
      const e = await rejection(c.connect());
      expect(isNCALayerError(e, 'ERR_INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).message).toContain("import('ws')");
    }
  });
});
