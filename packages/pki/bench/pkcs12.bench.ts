/**
 * PKCS#12 create/open throughput of this package against `openssl pkcs12` at the same iteration
 * counts, measured in the same run. OpenSSL runs as a process per operation, so its figures
 * include process start-up. Each OpenSSL operation is timed right after an `openssl version`
 * spawn, and the median of the paired differences estimates OpenSSL's own work ("spawn
 * subtracted"), which is robust against the noise of a shared machine.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTool, runTool, tempDir } from '@kzpki/test-fixtures';
import { createPkcs12 } from '../src/pkcs12/create.js';
import { openPkcs12 } from '../src/pkcs12/open.js';
import { makeIdentity, pem, pkcs8Of } from '../test/support/pkcs12-test-keys.js';

const PASSWORD = 'Bench-pkcs12-1';

/** Runs `fn` for at least `minMs` (and `minRuns` times); returns operations per second. */
async function rate(fn: () => unknown, minMs = 1200, minRuns = 5): Promise<number> {
  await fn(); // warm-up (JIT, lazy tables)
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (runs < minRuns || elapsed < minMs) {
    await fn();
    runs++;
    elapsed = performance.now() - start;
  }
  return (runs * 1000) / elapsed;
}

/** Times one synchronous call in milliseconds. */
function time(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * OpenSSL rates from `runs` pairs of (`openssl version`, operation): operations per second with
 * spawn, and estimated without it (undefined when the difference drowns in noise).
 */
function opensslRates(op: () => unknown, runs = 11): { withSpawn: number; net?: number; spawnMs: number } {
  op(); // warm-up (page cache)
  const ops: number[] = [];
  const spawns: number[] = [];
  const diffs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = time(() => runTool('openssl', ['version']));
    const o = time(op);
    spawns.push(s);
    ops.push(o);
    diffs.push(o - s);
  }
  const d = median(diffs);
  return { withSpawn: 1000 / median(ops), ...(d > 0 ? { net: 1000 / d } : {}), spawnMs: median(spawns) };
}

const fmt = (n: number | undefined) => (n === undefined ? 'n/a' : n >= 100 ? n.toFixed(0) : n.toFixed(1));

/** Prints the PKCS#12 table. */
export async function run(): Promise<void> {
  const id = await makeIdentity({ subject: 'CN=Bench', purpose: 'auth' });
  const pkcs8 = await pkcs8Of(id.keys);
  const tmp = tempDir('kzpki-bench-p12-');
  const openssl = hasTool('openssl');
  try {
    const keyFile = tmp.write('key.pem', pem(pkcs8, 'PRIVATE KEY'));
    const certFile = tmp.write('cert.pem', pem(id.der, 'CERTIFICATE'));
    const rows: Array<{ op: string; ours: number; ossl?: number; osslNet?: number }> = [];
    const spawnMs: number[] = [];

    for (const [format, iterations, flags] of [
      ['modern', 2048, ['-iter', '2048']],
      ['legacy', 1024, ['-legacy', '-iter', '1024']],
    ] as const) {
      const label = `${format} (${iterations} it.)`;
      const ours = await createPkcs12({
        privateKey: pkcs8,
        certificate: id.der,
        password: PASSWORD,
        format,
        iterations,
      });
      const oursFile = tmp.write(`ours-${format}.p12`, ours);
      const createRate = await rate(() =>
        createPkcs12({ privateKey: pkcs8, certificate: id.der, password: PASSWORD, format, iterations }),
      );
      const openRate = await rate(() => openPkcs12(ours, PASSWORD));
      let osslCreate: ReturnType<typeof opensslRates> | undefined;
      let osslOpen: ReturnType<typeof opensslRates> | undefined;
      if (openssl) {
        const out = join(tmp.dir, `ossl-${format}.p12`);
        const exportArgs = [
          'pkcs12',
          '-export',
          '-in',
          certFile,
          '-inkey',
          keyFile,
          '-out',
          out,
          '-passout',
          `pass:${PASSWORD}`,
          ...flags,
        ];
        osslCreate = opensslRates(() => runTool('openssl', exportArgs));
        // OpenSSL opens our file: the same bytes for both sides.
        const inArgs = [
          'pkcs12',
          '-in',
          oursFile,
          '-passin',
          `pass:${PASSWORD}`,
          '-nodes',
          '-out',
          join(tmp.dir, 'out.pem'),
        ];
        if (format === 'legacy') inArgs.push('-legacy');
        const check = runTool('openssl', inArgs);
        if (check.status !== 0) throw new Error(`openssl could not open our ${format} file: ${check.stderr}`);
        osslOpen = opensslRates(() => runTool('openssl', inArgs));
        spawnMs.push(osslCreate.spawnMs, osslOpen.spawnMs);
        readFileSync(out); // the export really produced a file
      }
      rows.push({
        op: `create ${label}`,
        ours: createRate,
        ossl: osslCreate?.withSpawn,
        osslNet: osslCreate?.net,
      });
      rows.push({ op: `open ${label}`, ours: openRate, ossl: osslOpen?.withSpawn, osslNet: osslOpen?.net });
    }

    console.log('PKCS#12 (RSA-2048 key + certificate), operations per second, higher is better');
    if (openssl) {
      console.log(
        `process spawn overhead (median \`openssl version\`): ${median(spawnMs).toFixed(1)} ms per process`,
      );
    } else {
      console.log('openssl not installed: baseline columns are n/a');
    }
    const header = [
      'operation',
      'kzpki/s',
      'openssl/s',
      'openssl/s (spawn subtracted)',
      'kzpki ÷ openssl (subtracted)',
    ];
    const lines = rows.map((r) => [
      r.op,
      fmt(r.ours),
      fmt(r.ossl),
      fmt(r.osslNet),
      r.osslNet === undefined ? 'n/a' : `${(r.ours / r.osslNet).toFixed(2)}×`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(row(header));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const l of lines) console.log(row(l));
  } finally {
    tmp.dispose();
  }
}
