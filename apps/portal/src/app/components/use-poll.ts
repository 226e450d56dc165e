/**
 * Asking a server again and again, politely: the waits grow (2, 3, 5, 8, 13 s, then every 15 s,
 * every minute after ten minutes), a hidden tab is not polled until it is shown again (then at
 * once), and polling stops when the screen goes away or the check says it is done.
 */
import { useEffect, useRef } from 'preact/hooks';

const FIRST_DELAYS_MS = [2_000, 3_000, 5_000, 8_000, 13_000];
const STEADY_MS = 15_000;
const SLOW_MS = 60_000;
const SLOW_AFTER_MS = 10 * 60_000;

/** The wait before check number `attempt` (0-based), `elapsedMs` after polling began. */
export function pollDelay(attempt: number, elapsedMs: number): number {
  if (elapsedMs >= SLOW_AFTER_MS) return SLOW_MS;
  return FIRST_DELAYS_MS[attempt] ?? STEADY_MS;
}

/**
 * Calls `check` with growing pauses while `active`; `check` resolves `true` when there is nothing
 * more to wait for. A failed check counts as "not yet" (the screen shows its own error).
 * Changing `restartKey` starts over from the short waits (e.g. after a manual refresh).
 */
export function usePoll(check: () => Promise<boolean>, active: boolean, restartKey: unknown = 0): void {
  const latest = useRef(check);
  latest.current = check;
  useEffect(() => {
    if (!active) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let inFlight = false;
    const began = Date.now();
    const schedule = (): void => {
      timer = setTimeout(run, pollDelay(attempt++, Date.now() - began));
    };
    const run = async (): Promise<void> => {
      timer = undefined;
      if (stopped) return;
      if (document.visibilityState === 'hidden') return; // resumed by visibilitychange
      let done = false;
      inFlight = true;
      try {
        done = await latest.current();
      } catch {
        done = false;
      } finally {
        inFlight = false;
      }
      if (!stopped && !done) schedule();
      else stopped = true;
    };
    const onVisible = (): void => {
      if (document.visibilityState === 'visible' && !stopped && timer === undefined && !inFlight) void run();
    };
    document.addEventListener('visibilitychange', onVisible);
    schedule();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [active, restartKey]);
}
