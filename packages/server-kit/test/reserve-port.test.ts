/**
 * reservePort: a port chosen before its server listens stays held until released (the stack's
 * ephemeral status port, written into the CA's certificates before the status service listens).
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { reservePort } from '../src/lifecycle/reserve-port.js';

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
    const again = await reservePort('127.0.0.1');
    expect(again.port).not.toBe(0);
    await again.release();
  });
});
