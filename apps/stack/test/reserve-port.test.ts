/**
 * The status port that `startServices` picks when asked for an ephemeral one stays held until the
 * status service listens on it (a port only probed was taken by another process's ephemeral port
 * while the CA generated its keys: EADDRINUSE in a CI run).
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { reservePort } from '../src/services.js';

function listen(port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(undefined)));
  });
}

describe('reservePort', () => {
  it('holds the port until released, then frees it', async () => {
    const reservation = await reservePort('127.0.0.1');
    expect(reservation.port).toBeGreaterThan(0);
    expect((await listen(reservation.port))?.code).toBe('EADDRINUSE');
    await reservation.release();
    expect(await listen(reservation.port)).toBeUndefined();
    await reservation.release(); // a second release is harmless
  });
});
