/**
 * One WebSocket connection to NCALayer: opening it (and reading the version NCALayer pushes on
 * connect), one exchange at a time (NCALayer's answers carry no request id, so an answer belongs
 * to the one request in flight), the legacy `--heartbeat--` keep-alive, and what a dropped
 * connection means for the request in flight. Browser-safe: it uses only the WHATWG WebSocket
 * surface, which browsers, Node 22+ and the `ws` package all provide.
 */
import { NCALayerError } from './errors.js';
import { HEARTBEAT } from './protocol.js';

/**
 * The part of a WHATWG WebSocket this package uses. Browsers' and Node 22's global `WebSocket` and
 * the `ws` package's `WebSocket` all fit. (Handlers are typed `(event: never) => void` so that
 * each implementation's own event types are accepted.)
 */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
}

/** A WebSocket constructor (the global `WebSocket`, or `ws`'s on Node 20). */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** Something the connection noticed (for logs and tests). */
export type ConnectionEvent =
  | { type: 'open'; url: string; version: string | undefined }
  | { type: 'close'; url: string; code?: number; reason?: string }
  | { type: 'heartbeat-sent' }
  | { type: 'heartbeat-received' }
  | { type: 'heartbeat-lost'; missed: number }
  | { type: 'stray-message'; data: string };

/** Settings of one connection. */
export interface ConnectionSettings {
  url: string;
  WebSocket: WebSocketConstructor;
  /** Time to open the socket and read the version greeting. */
  connectTimeoutMs: number;
  /** Time to wait for the greeting after the socket opened (some generations send none). */
  greetingTimeoutMs: number;
  /** Send `--heartbeat--` this often while idle; 0 turns the keep-alive off. */
  heartbeatIntervalMs: number;
  /** Unanswered heartbeats after which the connection counts as dead and is closed. */
  missedHeartbeatsLimit: number;
  onEvent?: (event: ConnectionEvent) => void;
}

const OPEN = 1;

function textOf(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  // `ws` hands text frames to `onmessage` as strings; a Buffer/ArrayBuffer means a binary frame,
  // which NCALayer never sends.
  return undefined;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: NCALayerError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  method: string;
}

/** Reads the version out of the greeting `{"result":{"version":"…"}}` (the version may be a JSON string in old generations). */
export function greetingVersion(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  let result = (message as { result?: unknown }).result;
  if (typeof result === 'string') {
    try {
      result = JSON.parse(result);
    } catch {
      return undefined;
    }
  }
  const version = (result as { version?: unknown } | null)?.version;
  return typeof version === 'string' || typeof version === 'number' ? String(version) : undefined;
}

/** An open connection; see the module comment. */
export class Connection {
  readonly url: string;
  private readonly settings: ConnectionSettings;
  private socket: WebSocketLike | undefined;
  private pending: Pending | undefined;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private missed = 0;
  private closedFlag = false;
  /** The version NCALayer announced, when it did. */
  version: string | undefined;

  private constructor(settings: ConnectionSettings) {
    this.settings = settings;
    this.url = settings.url;
  }

  /**
   * Opens a connection and reads the greeting.
   * @throws {NCALayerError} `ERR_NCALAYER_UNAVAILABLE` when the socket does not open in time.
   */
  static open(settings: ConnectionSettings): Promise<Connection> {
    const connection = new Connection(settings);
    return connection.start().then(() => connection);
  }

  /** Whether the socket is open and usable. */
  get isOpen(): boolean {
    return !this.closedFlag && this.socket?.readyState === OPEN;
  }

  private emit(event: ConnectionEvent): void {
    this.settings.onEvent?.(event);
  }

  private start(): Promise<void> {
    const { url } = this.settings;
    return new Promise<void>((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = new this.settings.WebSocket(url);
      } catch (cause) {
        reject(
          new NCALayerError('ERR_NCALAYER_UNAVAILABLE', `Cannot connect to NCALayer at ${url}`, { cause }),
        );
        return;
      }
      this.socket = socket;
      let phase: 'opening' | 'greeting' | 'ready' = 'opening';
      let greetingTimer: ReturnType<typeof setTimeout> | undefined;
      const connectTimer = setTimeout(() => fail('no answer in time'), this.settings.connectTimeoutMs);
      const ready = (version: string | undefined) => {
        if (phase === 'ready') return;
        phase = 'ready';
        clearTimeout(connectTimer);
        if (greetingTimer !== undefined) clearTimeout(greetingTimer);
        this.version = version;
        this.startHeartbeat();
        this.emit({ type: 'open', url, version });
        resolve();
      };
      const fail = (why: string) => {
        if (phase === 'ready') return;
        phase = 'ready';
        clearTimeout(connectTimer);
        if (greetingTimer !== undefined) clearTimeout(greetingTimer);
        this.closedFlag = true;
        try {
          socket.close();
        } catch {
          // closing a socket that never opened may throw in some implementations
        }
        reject(
          new NCALayerError(
            'ERR_NCALAYER_UNAVAILABLE',
            `NCALayer is not available at ${url} (${why}). Is it running, and does the browser trust its certificate?`,
          ),
        );
      };
      socket.onopen = (() => {
        phase = 'greeting';
        greetingTimer = setTimeout(() => ready(undefined), this.settings.greetingTimeoutMs);
      }) as (event: never) => void;
      socket.onerror = (() => {
        if (phase !== 'ready') fail('connection error');
      }) as (event: never) => void;
      socket.onclose = ((event: { code?: number; reason?: string }) => {
        if (phase !== 'ready') {
          fail(`closed with code ${event?.code ?? '?'}`);
          return;
        }
        this.onClosed(event?.code, event?.reason);
      }) as (event: never) => void;
      socket.onmessage = ((event: { data?: unknown }) => {
        const text = textOf(event?.data);
        if (text === undefined) return;
        if (phase === 'greeting') {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const version = greetingVersion(parsed);
          if (version !== undefined) {
            ready(version);
            return;
          }
          // Something else first: no greeting in this generation; the message is not an answer to anything.
          ready(undefined);
          this.emit({ type: 'stray-message', data: text });
          return;
        }
        if (phase === 'ready') this.onMessage(text);
      }) as (event: never) => void;
    });
  }

  private startHeartbeat(): void {
    const { heartbeatIntervalMs, missedHeartbeatsLimit } = this.settings;
    if (heartbeatIntervalMs <= 0) return;
    this.heartbeat = setInterval(() => {
      // While a request is in flight NCALayer may sit in a modal dialog and not echo: the original
      // ncalayer.js raised its limit then; here the keep-alive pauses instead.
      if (this.pending || !this.isOpen) return;
      if (this.missed >= missedHeartbeatsLimit) {
        this.emit({ type: 'heartbeat-lost', missed: this.missed });
        this.close();
        return;
      }
      this.missed++;
      try {
        this.socket?.send(HEARTBEAT);
        this.emit({ type: 'heartbeat-sent' });
      } catch {
        this.close();
      }
    }, heartbeatIntervalMs);
    // Node: a keep-alive must not keep the process running.
    (this.heartbeat as { unref?: () => void }).unref?.();
  }

  private onMessage(text: string): void {
    this.missed = 0; // any message shows the other side is alive
    if (text === HEARTBEAT) {
      this.emit({ type: 'heartbeat-received' });
      return;
    }
    const pending = this.pending;
    if (!pending) {
      this.emit({ type: 'stray-message', data: text.length > 200 ? `${text.slice(0, 200)}…` : text });
      return;
    }
    this.pending = undefined;
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      pending.reject(
        new NCALayerError(
          'ERR_PROTOCOL',
          `NCALayer answered ${pending.method} with something that is not JSON`,
          {
            cause,
            details: { method: pending.method },
          },
        ),
      );
      return;
    }
    pending.resolve(parsed);
  }

  private onClosed(code?: number, reason?: string): void {
    if (this.closedFlag && !this.pending) {
      this.stopHeartbeat();
      return;
    }
    this.closedFlag = true;
    this.stopHeartbeat();
    this.emit({
      type: 'close',
      url: this.url,
      ...(code !== undefined ? { code } : {}),
      ...(reason ? { reason } : {}),
    });
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      pending.reject(
        new NCALayerError(
          'ERR_CONNECTION_LOST',
          `The connection to NCALayer closed while ${pending.method} waited`,
          {
            details: { method: pending.method },
          },
        ),
      );
    }
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /**
   * Sends one request and resolves with the parsed answer. Only one exchange may be in flight.
   * `timeoutMs` 0 waits for ever. When `expectAnswer` is false (the legacy `setLocale`, which
   * NCALayer does not answer), resolves once sent.
   * @throws {NCALayerError} `ERR_TIMEOUT` (the connection is then closed, so that the late answer
   *   cannot be taken for the next request's), `ERR_CONNECTION_LOST`, `ERR_PROTOCOL`.
   */
  exchange(text: string, method: string, timeoutMs: number, expectAnswer = true): Promise<unknown> {
    if (this.pending) throw new Error('one exchange at a time'); // the client's queue prevents this
    if (!this.isOpen) {
      return Promise.reject(
        new NCALayerError('ERR_CONNECTION_LOST', `The connection to NCALayer is closed (${method})`, {
          details: { method },
        }),
      );
    }
    return new Promise<unknown>((resolve, reject) => {
      const pending: Pending = { resolve, reject, timer: undefined, method };
      if (expectAnswer) {
        this.pending = pending;
        if (timeoutMs > 0) {
          pending.timer = setTimeout(() => {
            if (this.pending !== pending) return;
            this.pending = undefined;
            reject(
              new NCALayerError('ERR_TIMEOUT', `NCALayer did not answer ${method} within ${timeoutMs} ms`, {
                details: { method },
              }),
            );
            this.close();
          }, timeoutMs);
        }
      }
      try {
        this.socket?.send(text);
      } catch (cause) {
        if (this.pending === pending) this.pending = undefined;
        if (pending.timer !== undefined) clearTimeout(pending.timer);
        reject(new NCALayerError('ERR_CONNECTION_LOST', `Cannot send ${method} to NCALayer`, { cause }));
        return;
      }
      if (!expectAnswer) resolve(undefined);
    });
  }

  /** Closes the connection; a request in flight fails with `ERR_CONNECTION_LOST`. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.stopHeartbeat();
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      pending.reject(
        new NCALayerError(
          'ERR_CONNECTION_LOST',
          `The connection to NCALayer was closed while ${pending.method} waited`,
          {
            details: { method: pending.method },
          },
        ),
      );
    }
    try {
      this.socket?.close();
    } catch {
      // already closed
    }
    this.emit({ type: 'close', url: this.url });
  }
}
