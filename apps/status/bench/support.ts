/**
 * What the OCSP benches share: child processes (each leads its own process group, all killed at
 * the end), free ports, the load generator (wrk, installed with apt when missing and running as
 * root; autocannon otherwise), nginx (the same way) and a table printer.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import autocannon from 'autocannon';

const children: ChildProcess[] = [];

/** Stops every process started with {@link startProcess}. */
export function stopChildren(): void {
  for (const c of children) {
    if (c.pid === undefined) continue;
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a process (its own group) and resolves once `ready` says so; rejects on exit or after 120 s. */
export function startProcess(
  name: string,
  cmd: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; ready: () => Promise<boolean> },
): Promise<ChildProcess> {
  const child = spawn(cmd, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + 120_000;
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}):\n${log}`)));
    const poll = async (): Promise<void> => {
      if (await options.ready().catch(() => false)) return resolve(child);
      if (Date.now() > deadline) return reject(new Error(`${name} did not start:\n${log}`));
      setTimeout(poll, 200);
    };
    setTimeout(poll, 200);
  });
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Makes sure the Debian packages giving `commands` are installed: installs them with apt-get when
 * missing and this process runs as root; says what is missing otherwise.
 */
export function ensureTools(tools: Record<string, string>): { missing: string[]; installed: string[] } {
  const need = Object.entries(tools).filter(([cmd]) => !has(cmd));
  const installed: string[] = [];
  if (need.length > 0 && process.getuid?.() === 0 && has('apt-get')) {
    const packages = need.map(([, pkg]) => pkg);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const install = () =>
      spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], {
        env,
        stdio: 'ignore',
      });
    if (install().status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'ignore' });
      install();
    }
    installed.push(...packages.filter((_, i) => has(need[i]![0])));
  }
  return { missing: need.map(([cmd]) => cmd).filter((cmd) => !has(cmd)), installed };
}

/** One load run. */
export interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  tool: string;
}

function ms(text: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

/**
 * Loads `url` for `seconds` with `connections` keep-alive connections (wrk with one thread, or
 * autocannon when wrk is missing), after a one-second warm-up.
 */
export async function load(url: string, seconds: number, connections: number): Promise<Load> {
  if (has('wrk')) {
    const wrk = (d: number) =>
      execFileSync('wrk', ['-t1', `-c${connections}`, `-d${d}s`, '--latency', url], { encoding: 'utf8' });
    wrk(1);
    const out = wrk(seconds);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const p50 = ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '');
    const p99 = ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '');
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const errors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
    return { rps, p50, p99, errors, non2xx, tool: 'wrk' };
  }
  await autocannon({ url, duration: 1, connections });
  const r = await autocannon({ url, duration: seconds, connections });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    tool: 'autocannon',
  };
}

/** Loads several URLs at once (one load generator each); the sum of their rates. */
export async function loadTogether(urls: string[], seconds: number, connections: number): Promise<Load> {
  if (!has('wrk')) {
    const all = await Promise.all(urls.map((u) => load(u, seconds, connections)));
    return sum(all);
  }
  const run = (u: string, d: number) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${d}s`, '--latency', u], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (b) => {
        out += b;
      });
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`wrk exited ${code}`))));
    });
  await Promise.all(urls.map((u) => run(u, 1)));
  const outs = await Promise.all(urls.map((u) => run(u, seconds)));
  return sum(
    outs.map((out) => ({
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]),
      p50: ms(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? ''),
      p99: ms(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ''),
      errors: 0,
      non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
      tool: 'wrk',
    })),
  );
}

function sum(all: Load[]): Load {
  return {
    rps: all.reduce((a, l) => a + l.rps, 0),
    p50: Math.max(...all.map((l) => l.p50)),
    p99: Math.max(...all.map((l) => l.p99)),
    errors: all.reduce((a, l) => a + l.errors, 0),
    non2xx: all.reduce((a, l) => a + l.non2xx, 0),
    tool: `${all.length} x ${all[0]?.tool ?? ''}`,
  };
}

/** The machine line every bench prints: cores and load average. */
export function machine(): string {
  return `${cpus().length} CPU core(s) (${cpus()[0]?.model.trim() ?? 'unknown'}), load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

/** Prints a Markdown table. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
