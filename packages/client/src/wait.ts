/**
 * Waiting without timers that outlive an abort: `sleep` rejects with `ERR_ABORTED` as soon as the
 * signal fires, so a cancelled enrollment stops at once.
 */
import { KzpkiApiError } from './errors.js';

/** Throws `ERR_ABORTED` when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new KzpkiApiError('ERR_ABORTED', 'Cancelled', { cause: signal.reason });
}

/** Resolves after `ms` milliseconds, or rejects with `ERR_ABORTED` when `signal` fires first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new KzpkiApiError('ERR_ABORTED', 'Cancelled', { cause: signal?.reason }));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
