/**
 * Start-up and shutdown of an HTTP server: listen and report the URL, close gracefully (stop
 * accepting, let requests in flight finish, then cut what is left after a timeout), and stop the
 * process cleanly on SIGINT/SIGTERM.
 */
import { createServer, type RequestListener, type Server, type ServerOptions } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link listen}. */
export interface ListenOptions {
  /** Listen address (default `127.0.0.1`). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** `node:http` server options (timeouts, header limits). */
  server?: ServerOptions;
  /** Default grace period of {@link RunningHttpServer.close} (default 10 000 ms). */
  graceMs?: number;
}

/** A listening server. */
export interface RunningHttpServer {
  /** The `node:http` server. */
  readonly server: Server;
  /** Base URL with the host as given (default `127.0.0.1`), e.g. `http://127.0.0.1:8080`; IPv6 in brackets. */
  readonly url: string;
  /** Port listened on. */
  readonly port: number;
  /** Closes gracefully (see {@link closeGracefully}); calling it again returns the same promise. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Listens with `handler` (an express app is one).
 * @example
 * ```ts
 * const running = await listen(app, { port: 0 });
 * await fetch(`${running.url}/health`);
 * await running.close();
 * ```
 */
export async function listen(
  handler: RequestListener,
  options: ListenOptions = {},
): Promise<RunningHttpServer> {
  const server = createServer(options.server ?? {}, handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  // The host as given (a name such as `localhost` stays a name), else the address bound to.
  const name = options.host ?? addr.address;
  const host = name.includes(':') ? `[${name}]` : name;
  let closing: Promise<void> | undefined;
  return {
    server,
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    close(graceMs = options.graceMs ?? 10_000) {
      closing ??= closeGracefully(server, graceMs);
      return closing;
    },
  };
}

/**
 * Stops accepting connections, closes idle keep-alive connections at once, lets requests in flight
 * finish, and after `graceMs` closes whatever is still open.
 */
export function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    // A keep-alive connection whose request finishes during the grace period turns idle; close
    // those as they appear rather than waiting for the client's keep-alive timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    cut.unref();
    sweep.unref();
    server.close(() => {
      clearTimeout(cut);
      clearInterval(sweep);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Options of {@link onShutdownSignals}. */
export interface ShutdownOptions {
  /** Signals to handle (default SIGINT and SIGTERM). */
  signals?: readonly NodeJS.Signals[];
  /** Exit anyway after this long (default 15 000 ms). */
  timeoutMs?: number;
  /** Where to say what happens (default `console.error`). */
  log?: (message: string) => void;
  /** Ends the process (default `process.exit`; tests pass their own). */
  exit?: (code: number) => void;
}

/**
 * Runs `stop` once on the first of `signals`, then exits 0 (or 1 when `stop` fails or takes
 * longer than `timeoutMs`). A second signal exits at once.
 * @returns a function that removes the handlers.
 * @example
 * ```ts
 * onShutdownSignals(() => running.close(), { log: (m) => console.log(`[kzpki-ca] ${m}`) });
 * ```
 */
export function onShutdownSignals(stop: () => Promise<void>, options: ShutdownOptions = {}): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const log = options.log ?? ((m: string) => console.error(m));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      exit(1);
      return;
    }
    stopping = true;
    log(`${signal}: stopping`);
    const timer = setTimeout(() => {
      log(`still stopping after ${options.timeoutMs ?? 15_000} ms: exiting`);
      exit(1);
    }, options.timeoutMs ?? 15_000);
    timer.unref();
    stop().then(
      () => {
        clearTimeout(timer);
        exit(0);
      },
      (e: unknown) => {
        clearTimeout(timer);
        log(`stopping failed: ${e instanceof Error ? e.message : String(e)}`);
        exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}
