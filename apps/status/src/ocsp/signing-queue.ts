/**
 * Bounded concurrency for live OCSP signing, with load shedding. Signing (RSA) is the expensive
 * part of answering a request with a nonce; when more requests arrive than the CPU can sign, a
 * growing queue only adds latency until every client times out. Instead a request is refused
 * (the responder answers `tryLater`, RFC 6960 §2.3) when the queue is full, or when it waited
 * longer than `maxWaitMs` for a slot.
 */

/** Thrown (rejected) by {@link SigningQueue.run} when a task is shed. */
export class SigningOverloadError extends Error {
  constructor(readonly why: 'queue-full' | 'wait-timeout') {
    super(`Signing overloaded (${why})`);
    this.name = 'SigningOverloadError';
  }
}

/** Limits of a {@link SigningQueue}. */
export interface SigningQueueOptions {
  /** Tasks running at once (default 4: Node runs WebCrypto signing on its 4 libuv threads). */
  concurrency?: number;
  /** Tasks waiting for a slot before new ones are refused (default 256). */
  maxQueued?: number;
  /** A task that waited longer than this for a slot is refused instead of run (default 2000 ms). */
  maxWaitMs?: number;
}

interface Waiting {
  start: () => void;
  shed: (e: SigningOverloadError) => void;
  enqueuedAt: number;
}

/** A FIFO concurrency limiter that sheds load instead of queueing without bound. */
export class SigningQueue {
  private readonly concurrency: number;
  private readonly maxQueued: number;
  private readonly maxWaitMs: number;
  private readonly waiting: Waiting[] = [];
  private head = 0;
  private running = 0;

  constructor(options: SigningQueueOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.maxQueued = Math.max(0, options.maxQueued ?? 256);
    this.maxWaitMs = Math.max(0, options.maxWaitMs ?? 2000);
  }

  /** Tasks running now. */
  get inFlight(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /**
   * Runs `task` when a slot is free.
   * @throws {SigningOverloadError} (rejection) when the task is shed.
   */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.queued >= this.maxQueued) throw new SigningOverloadError('queue-full');
      await new Promise<void>((start, shed) => {
        this.waiting.push({ start, shed, enqueuedAt: performance.now() });
      });
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Hands the slot of a finished task to the next waiter that has not waited too long. */
  private release(): void {
    const now = performance.now();
    while (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.waiting[this.head++] = undefined as unknown as Waiting;
      this.compact();
      if (now - next.enqueuedAt > this.maxWaitMs) {
        next.shed(new SigningOverloadError('wait-timeout'));
        continue;
      }
      next.start(); // the slot passes on: `running` stays the same
      return;
    }
    this.running--;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }
}
