/**
 * The emulated NCALayer's WebSocket server (the `ws` package): `wss://127.0.0.1:13579` with the
 * emulator's TLS certificate (or plain `ws://` on request), the version greeting on connect, the
 * `--heartbeat--` echo, and one request at a time per connection, as NCALayer answers them.
 * It listens on 127.0.0.1 only unless told otherwise.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { HEARTBEAT } from '../protocol.js';
import {
  answerRequest,
  type EmulatorEvent,
  type HandlerContext,
  requestLabel,
  type TsaSettings,
} from './handlers.js';
import type { Person } from './person.js';
import { type EmulatorTls, ensureEmulatorTls } from './tls.js';

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** The folder of key files (`*.p12`) the person may pick from. */
  keysDir: string;
  /**
   * The folder of CA certificates (`.crt`, `.cer`, `.pem`, `.der`) for the keys' chain checks, as
   * the NCA's key files hold the end-entity certificate only. Default: each key file's nearest
   * `ca/` folder (in its folder or up to two folders up).
   */
  caDir?: string;
  /** The person at the keyboard (`scriptedPerson`, `terminalPerson`, or your own). */
  person: Person;
  /** Port (default 13579; 0 picks a free one). */
  port?: number;
  /** Address to bind (default 127.0.0.1: nothing outside this computer can connect). */
  host?: string;
  /**
   * TLS: `false` for plain `ws://`; certificates to use; default the emulator's own, made (or read)
   * by `ensureEmulatorTls` in `configDir`.
   */
  tls?: false | Pick<EmulatorTls, 'certPem' | 'keyPem'>;
  /** kzpki's configuration folder, for the default TLS certificate. */
  configDir?: string;
  /** The version announced on connect (default `1.4`). */
  version?: string;
  /** A TSA, for requests that ask for a timestamp (`tsaProfile`); without it they are signed without one, with a warning. */
  tsa?: TsaSettings;
  /** CA certificates (DER) that count as the NCA's production CAs, for requests without `signerParams.chain`. */
  productionCas?: Uint8Array[];
  /** The folder the legacy `createCMSSignatureFromFile` may read (default: none, the method is refused). */
  filesDir?: string;
  /** What `getActiveTokens` answers (default: no token). */
  activeTokens?: string[];
  /** Page origins allowed to connect (default: any, as NCALayer). */
  allowedOrigins?: string[];
  /** The clock (default: the system's). */
  now?: () => Date;
  /** Everything the emulator does, for logs and tests. */
  onEvent?: (event: EmulatorEvent) => void;
}

/** A running emulator. */
export interface NCALayerEmulator {
  /** `wss://127.0.0.1:13579` (or `ws://…`). */
  readonly url: string;
  readonly port: number;
  /** The TLS material in use (undefined for `ws://`). */
  readonly tls: Pick<EmulatorTls, 'certPem' | 'keyPem'> | undefined;
  /** Open connections. */
  readonly connections: number;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** The largest request accepted (NCALayer pages send documents as base64 in one frame). */
const MAX_PAYLOAD = 64 * 1024 * 1024;

/**
 * Starts the emulated NCALayer.
 * @example
 * ```ts
 * import { scriptedPerson, startEmulator } from '@kzpki/ncalayer/emulator';
 * const emulator = await startEmulator({ keysDir: './keys', person: scriptedPerson({ password: 'Qwerty12' }) });
 * emulator.url; // 'wss://127.0.0.1:13579'
 * ```
 */
export async function startEmulator(options: EmulatorOptions): Promise<NCALayerEmulator> {
  const host = options.host ?? '127.0.0.1';
  const tls =
    options.tls === false
      ? undefined
      : (options.tls ?? (await ensureEmulatorTls(options.configDir ? { configDir: options.configDir } : {})));
  const emit = (event: EmulatorEvent) => options.onEvent?.(event);
  const ctx: HandlerContext = {
    keysDir: options.keysDir,
    ...(options.caDir !== undefined ? { caDir: options.caDir } : {}),
    person: options.person,
    productionCas: options.productionCas ?? [],
    tsa: options.tsa,
    filesDir: options.filesDir,
    activeTokens: options.activeTokens ?? [],
    now: options.now ?? (() => new Date()),
    emit,
  };
  const version = options.version ?? '1.4';
  const server: Server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }) : createHttpServer();
  server.on('request', (_req, res) => {
    // A browser opening https://127.0.0.1:13579 to accept the certificate lands here.
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('kzpki NCALayer emulator: connect with a WebSocket.\n');
  });
  const wss = new WebSocketServer({
    server,
    maxPayload: MAX_PAYLOAD,
    verifyClient: (info: { origin: string; req: IncomingMessage }) =>
      !options.allowedOrigins || options.allowedOrigins.includes(info.origin),
  });
  wss.on('connection', (socket: WebSocket, req: IncomingMessage) => {
    const origin = req.headers.origin;
    emit({ type: 'connection', origin });
    socket.send(JSON.stringify({ result: { version } }));
    let queue: Promise<void> = Promise.resolve();
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === HEARTBEAT) {
        socket.send(HEARTBEAT);
        return;
      }
      let label = '(not JSON)';
      try {
        label = requestLabel(JSON.parse(text));
      } catch {
        // answered as NCALayer answers text that is not JSON
      }
      // Logged on arrival, answered in turn: the log shows whether a client sent before its answer came.
      emit({ type: 'request', method: label, origin });
      queue = queue.then(async () => {
        const answer = await answerRequest(ctx, origin, text);
        if (answer !== undefined && socket.readyState === socket.OPEN) socket.send(answer);
      });
    });
    socket.on('error', () => {
      // a client that vanished; nothing to answer
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 13579, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const url = `${tls ? 'wss' : 'ws'}://${hostPart}:${port}`;
  emit({ type: 'listening', url });
  return {
    url,
    port,
    tls,
    get connections() {
      return wss.clients.size;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => server.close(() => resolve()));
      }),
  };
}
