/**
 * Progress display of the long-running commands (enroll, testpack): a cli-progress bar when
 * standard error is a terminal, plain lines otherwise (pipes, CI logs, tests), never on stdout
 * (which carries the result, e.g. `--json`).
 */
import cliProgress from 'cli-progress';
import type { Io } from '../../context.js';

/** What the commands report progress to. */
export interface ProgressReporter {
  /**
   * Moves to `value` (of the total) with a short description of the current work; `transient`
   * details only show on the bar (line output keeps to the main steps).
   */
  update(value: number, message: string, transient?: boolean): void;
  /** A line worth keeping in the log (a waiting notice, a finished item). */
  note(message: string): void;
  /** Ends the display. */
  stop(): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Number of units of work. */
  total: number;
  /** Force the bar on or off (default: on when stderr is a terminal and `CI` is unset). */
  bar?: boolean;
}

/** `true` when an interactive bar makes sense here. */
export function stderrIsInteractive(): boolean {
  return process.stderr.isTTY === true && !process.env.CI;
}

/**
 * A progress reporter writing to `io.stderr` line by line, or drawing a bar on the terminal.
 * The bar writes to `process.stderr` itself (cli-progress redraws the line in place), so it is
 * only used when `io` is the process's own.
 */
export function createProgress(io: Io, options: ProgressOptions): ProgressReporter {
  const useBar = options.bar ?? stderrIsInteractive();
  if (!useBar) {
    let last = '';
    return {
      update(value, message, transient) {
        if (transient) return;
        const line = `[${value}/${options.total}] ${message}`;
        if (line !== last) io.stderr(`${line}\n`);
        last = line;
      },
      note(message) {
        io.stderr(`${message}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{bar} {value}/{total} {message}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(options.total, 0, { message: '' });
  let stopped = false;
  return {
    update(value, message) {
      bar.update(Math.min(value, options.total), { message });
    },
    note(message) {
      // Print above the bar: clear the line, write, redraw.
      process.stderr.write(`\r\x1b[2K${message}\n`);
      bar.render();
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
