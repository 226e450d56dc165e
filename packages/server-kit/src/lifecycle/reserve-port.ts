/**
 * Ports that must be known before their server listens. The reference CA writes the status
 * service's URL into its certificates when it is initialised (seconds of key generation), so an
 * ephemeral status port is chosen first: a port merely probed (listen on 0, close) can be taken in
 * that time by another process's ephemeral port, which a CI run met (EADDRINUSE). A reservation
 * keeps it listening until the real server is about to listen.
 */
import { createServer } from 'node:net';

/** A port held by a listening socket until {@link PortReservation.release}. */
export interface PortReservation {
  readonly port: number;
  /** Stops holding the port (idempotent); call right before the real server listens on it. */
  release(): Promise<void>;
}

/**
 * Reserves a free TCP port on `host`: the OS picks it and a socket holds it (closing any connection
 * made to it) until released.
 *
 * @example
 * ```ts
 * const reservation = await reservePort('127.0.0.1');
 * const statusUrl = `http://127.0.0.1:${reservation.port}`; // written into certificates first
 * // ... later
 * await reservation.release();
 * await listen(app, { host: '127.0.0.1', port: reservation.port });
 * ```
 */
export function reservePort(host: string): Promise<PortReservation> {
  return new Promise((resolveReservation, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      let released: Promise<void> | undefined;
      resolveReservation({
        port,
        release: () => {
          released ??= new Promise<void>((done) => server.close(() => done()));
          return released;
        },
      });
    });
  });
}
