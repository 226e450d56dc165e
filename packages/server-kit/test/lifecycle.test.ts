/** Listening, graceful close and signal handling. */
import { describe, expect, it } from 'vitest';
import { closeGracefully, listen, onShutdownSignals } from '../src/index.js';

describe('listen / close', () => {
  it('listens on a free port and reports its URL', async () => {
    const running = await listen((_req, res) => res.end('ok'), { port: 0 });
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    expect(await (await fetch(running.url)).text()).toBe('ok');
    await running.close();
    await running.close(); // idempotent
    await expect(fetch(running.url)).rejects.toThrow();
  });

  it('lets a request in flight finish before closing', async () => {
    let release: () => void = () => {};
    let arrived: () => void = () => {};
    const arrivedP = new Promise<void>((r) => {
      arrived = r;
    });
    const running = await listen((_req, res) => {
      arrived();
      new Promise<void>((r) => {
        release = r;
      }).then(() => res.end('finished'));
    });
    const answer = fetch(running.url).then((r) => r.text());
    await arrivedP;
    let closed = false;
    const closing = running.close(60_000).then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false); // still serving the request
    release();
    expect(await answer).toBe('finished');
    await closing;
    expect(closed).toBe(true);
  });

  it('cuts a request that outlives the grace period', async () => {
    const running = await listen(() => {
      /* never answers */
    });
    const answer = fetch(running.url).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((r) => setTimeout(r, 20));
    await closeGracefully(running.server, 10);
    expect(await answer).toBe('cut');
  });
});

describe('onShutdownSignals', () => {
  it('runs stop once and exits 0; a failing stop exits 1', async () => {
    const exits: number[] = [];
    const logs: string[] = [];
    let stops = 0;
    const off = onShutdownSignals(
      async () => {
        stops++;
      },
      { signals: ['SIGUSR2'], exit: (c) => exits.push(c), log: (m) => logs.push(m) },
    );
    process.emit('SIGUSR2', 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 10));
    expect([stops, exits]).toEqual([1, [0]]);
    process.emit('SIGUSR2', 'SIGUSR2'); // a second signal: exit at once
    expect(exits).toEqual([0, 1]);
    off();
    expect(process.listenerCount('SIGUSR2')).toBe(0);

    const failing: number[] = [];
    const off2 = onShutdownSignals(
      async () => {
        throw new Error('store busy');
      },
      { signals: ['SIGUSR2'], exit: (c) => failing.push(c), log: (m) => logs.push(m) },
    );
    process.emit('SIGUSR2', 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 10));
    off2();
    expect(failing).toEqual([1]);
    expect(logs).toContain('stopping failed: store busy');
  });
});
