import { describe, expect, it } from 'vitest';
import { SigningOverloadError, SigningQueue } from '../src/ocsp/signing-queue.js';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('SigningQueue', () => {
  it('runs at most `concurrency` tasks at once, in FIFO order', async () => {
    const q = new SigningQueue({ concurrency: 2, maxQueued: 10 });
    const gates = [0, 1, 2, 3].map(() => deferred());
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      q.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(q.inFlight).toBe(2);
    expect(q.queued).toBe(2);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(q.inFlight).toBe(0);
    expect(q.queued).toBe(0);
  });

  it('sheds new tasks when the queue is full', async () => {
    const q = new SigningQueue({ concurrency: 1, maxQueued: 1 });
    const gate = deferred();
    const first = q.run(() => gate.promise);
    const second = q.run(async () => 'queued');
    await expect(q.run(async () => 'refused')).rejects.toBeInstanceOf(SigningOverloadError);
    gate.resolve();
    await first;
    expect(await second).toBe('queued');
  });

  it('sheds tasks that waited longer than maxWaitMs, and keeps working afterwards', async () => {
    const q = new SigningQueue({ concurrency: 1, maxQueued: 5, maxWaitMs: 0 });
    const gate = deferred();
    const first = q.run(() => gate.promise);
    const late = q.run(async () => 'late');
    await new Promise((r) => setTimeout(r, 5));
    gate.resolve();
    await first;
    const err = await late.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SigningOverloadError);
    expect((err as SigningOverloadError).why).toBe('wait-timeout');
    expect(await q.run(async () => 'ok')).toBe('ok');
    expect(q.inFlight).toBe(0);
  });

  it('frees the slot when a task throws', async () => {
    const q = new SigningQueue({ concurrency: 1 });
    await expect(q.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run(async () => 1)).toBe(1);
  });
});
