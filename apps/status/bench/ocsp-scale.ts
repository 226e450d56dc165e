/**
 * OCSP benchmark of the fast path and of scale-out (`pnpm bench` runs it after `run.ts`), on
 * 127.0.0.1, with wrk (one thread per load generator; installed with apt when missing and running
 * as root, autocannon otherwise):
 *
 * 1. The same pre-produced OCSP GET answered by (a) the status service (its fast path over the CA
 *    store, its own process), (b) a bare `node:http` server sending the same bytes with the same
 *    headers (the ceiling of any Node server), (c) nginx serving the bytes as a static file (one
 *    worker). Aim: (a) at least 80% of (b), p99 under 5 ms.
 * 2. Cached OCSP GETs (100 distinct certificates) from the status service over SQLite, over
 *    PostgreSQL, and from two status processes over one PostgreSQL database (two load generators at
 *    once, rates summed).
 *
 * Every process started here is stopped at the end. `BENCH_SECONDS` (default 5) per scenario.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CaRepository, caStorePath, openCaRepository, openCaStore } from '@kzpki/ca-store';
import { createPgTestDatabase, probePostgres } from '@kzpki/ca-store/testing';
import { createOcspRequest, type IssuedCertificate, parseOcspResponse, toBase64 } from '@kzpki/pki';
import {
  publishAllCrls,
  publishHierarchy,
  seedApplication,
  testStatusKek,
} from '../test/support/ca-store.js';
import { makeHierarchy, type TestHierarchy } from '../test/support/hierarchy.js';
import {
  ensureTools,
  freePort,
  type Load,
  load,
  loadTogether,
  machine,
  printTable,
  startProcess,
  stopChildren,
} from './support.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PASSPHRASE = 'bench-status-passphrase';
const appDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = ['--import', 'tsx', 'src/main.ts'];

async function fill(store: CaRepository, h: TestHierarchy): Promise<IssuedCertificate[]> {
  await publishHierarchy(store, h, await testStatusKek(PASSPHRASE));
  const certs = await seedApplication(store, h, {
    number: '27888601100404',
    count: 100,
    statusUrl: 'http://127.0.0.1:8081',
  });
  await publishAllCrls(store, h);
  return certs;
}

async function statusNode(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  await startProcess('status service', process.execPath, tsx, {
    cwd: appDir,
    env: { KZPKI_STATUS_PASSPHRASE: PASSPHRASE, KZPKI_STATUS_PORT: String(port), ...env },
    ready: async () => (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200,
  });
  return `http://127.0.0.1:${port}`;
}

/** Asks every path once (signs and caches the answers). */
async function warm(base: string, paths: string[]): Promise<void> {
  for (const p of paths) {
    // A keep-alive connection left idle during a load run may have been closed by the server.
    const r = await fetch(base + p).catch(() => fetch(base + p));
    if (r.status !== 200) throw new Error(`${base}${p}: ${r.status}`);
    await r.arrayBuffer();
  }
}

function row(name: string, l: Load | undefined, note = '', ref?: Load): string[] {
  if (!l) return [name, note, '', '', '', ''];
  return [
    name,
    Math.round(l.rps).toLocaleString('en'),
    l.p50.toFixed(2),
    l.p99.toFixed(2),
    String(l.errors + l.non2xx),
    ref ? `${Math.round((100 * l.rps) / ref.rps)}%` : note,
  ];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kzpki-ocsp-bench-'));
  try {
    const tools = ensureTools({ wrk: 'wrk', nginx: 'nginx-light' });
    console.log(`OCSP bench: ${machine()}`);
    if (tools.installed.length) console.log(`installed with apt: ${tools.installed.join(', ')}`);
    if (tools.missing.length) {
      console.log(`not installed (not root, or apt unavailable): ${tools.missing.join(', ')}`);
    }

    // --- a CA store on SQLite with 100 certificates (this script plays the CA)
    const h = await makeHierarchy('http://127.0.0.1:8081');
    const sqlite = openCaStore(caStorePath(dir));
    const certs = await fill(sqlite, h);
    await sqlite.close();
    const paths: string[] = [];
    for (const c of certs) {
      const req = await createOcspRequest({ certificate: c.der, issuer: h.issuing.cert.der, nonce: false });
      paths.push(`/ocsp/${encodeURIComponent(toBase64(req.der))}`);
    }
    const one = paths[0]!;

    // --- 1. fast path vs bare node:http vs nginx, one pre-produced response
    const sqliteNode = await statusNode({ KZPKI_STATUS_SOURCE: 'ca', KZPKI_DATA_DIR: dir });
    await warm(sqliteNode, paths);
    const sample = await fetch(sqliteNode + one);
    const bytes = new Uint8Array(await sample.arrayBuffer());
    if (parseOcspResponse(bytes).status !== 'successful') throw new Error('unexpected OCSP answer');
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'cache-control', 'etag', 'last-modified', 'expires']) {
      headers[name] = sample.headers.get(name) ?? '';
    }
    writeFileSync(join(dir, 'ocsp.der'), bytes);
    writeFileSync(join(dir, 'headers.json'), JSON.stringify(headers));
    const barePort = await freePort();
    await startProcess(
      'bare node:http',
      process.execPath,
      [
        '-e',
        `const b=require('fs').readFileSync(${JSON.stringify(join(dir, 'ocsp.der'))});` +
          `const h=Object.entries(JSON.parse(require('fs').readFileSync(${JSON.stringify(join(dir, 'headers.json'))},'utf8'))).flat().concat(['content-length',String(b.length)]);` +
          `require('http').createServer((q,s)=>{s.writeHead(200,h);s.end(b)}).listen(${barePort},'127.0.0.1')`,
      ],
      { cwd: dir, ready: async () => (await fetch(`http://127.0.0.1:${barePort}${one}`)).status === 200 },
    );
    let nginxUrl: string | undefined;
    if (!tools.missing.includes('nginx')) {
      const port = await freePort();
      mkdirSync(join(dir, 'nginx', 'www'), { recursive: true });
      writeFileSync(join(dir, 'nginx', 'www', 'ocsp.der'), bytes);
      writeFileSync(
        join(dir, 'nginx', 'nginx.conf'),
        `${process.getuid?.() === 0 ? 'user root root;\n' : ''}worker_processes 1;
daemon off;
pid ${join(dir, 'nginx', 'nginx.pid')};
error_log ${join(dir, 'nginx', 'error.log')};
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path ${join(dir, 'nginx')};
  proxy_temp_path ${join(dir, 'nginx')};
  fastcgi_temp_path ${join(dir, 'nginx')};
  uwsgi_temp_path ${join(dir, 'nginx')};
  scgi_temp_path ${join(dir, 'nginx')};
  types { }
  default_type application/ocsp-response;
  server {
    listen 127.0.0.1:${port};
    root ${join(dir, 'nginx', 'www')};
    location /ocsp/ {
      try_files /ocsp.der =404;
      add_header Cache-Control "${headers['cache-control']}";
    }
  }
}
`,
      );
      await startProcess(
        'nginx',
        'nginx',
        ['-p', join(dir, 'nginx'), '-c', join(dir, 'nginx', 'nginx.conf')],
        {
          cwd: dir,
          ready: async () => (await fetch(`http://127.0.0.1:${port}${one}`)).status === 200,
        },
      );
      nginxUrl = `http://127.0.0.1:${port}`;
    }
    const fast = await load(sqliteNode + one, SECONDS, CONNECTIONS);
    const bare = await load(`http://127.0.0.1:${barePort}${one}`, SECONDS, CONNECTIONS);
    const nginx = nginxUrl ? await load(nginxUrl + one, SECONDS, CONNECTIONS) : undefined;

    // --- 2. 100 distinct cached GETs: SQLite, PostgreSQL, two nodes on PostgreSQL
    const spread = async (bases: string[]): Promise<Load> => {
      // wrk takes one URL; each load generator asks for a different certificate of the 100.
      for (const b of bases) await warm(b, paths);
      return bases.length === 1
        ? load(bases[0]! + paths[1]!, SECONDS, CONNECTIONS)
        : loadTogether(
            bases.map((b, i) => b + paths[1 + i]!),
            SECONDS,
            CONNECTIONS,
          );
    };
    const onSqlite = await spread([sqliteNode]);
    let onPg: Load | undefined;
    let onPg2: Load | undefined;
    let pgNote = '';
    const pg = await probePostgres();
    if (pg.available) {
      const database = await createPgTestDatabase();
      try {
        const store = await openCaRepository(database.url);
        await fill(store, h);
        await store.close();
        const env = { KZPKI_STATUS_SOURCE: 'ca', KZPKI_DATABASE_URL: database.url };
        const a = await statusNode(env);
        onPg = await spread([a]);
        const b = await statusNode(env);
        onPg2 = await spread([a, b]);
      } finally {
        stopChildren();
        await database.drop();
      }
    } else {
      pgNote = pg.reason;
    }

    console.log(
      `\n1. One pre-produced OCSP GET response (${bytes.length} B), ${CONNECTIONS} connections, ${SECONDS} s each`,
    );
    printTable(
      ['server', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'vs bare node:http'],
      [
        row('kzpki status, fast path (SQLite store)', fast, '', bare),
        row('bare node:http, same bytes and headers', bare, '', bare),
        row('nginx static file, 1 worker', nginx, 'nginx not installed', bare),
      ],
    );
    console.log(`\n2. Cached OCSP GETs, ${CONNECTIONS} connections per load generator, ${SECONDS} s each`);
    printTable(
      ['status service', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'note'],
      [
        row('1 node, SQLite', onSqlite),
        row('1 node, PostgreSQL', onPg, pgNote),
        row('2 nodes, one PostgreSQL', onPg2, pgNote, onPg),
      ],
    );
    console.log(
      `\n${machine()} (after the run). Load generator: ${fast.tool}, on the same machine; with N cores, servers and load generators share them, so "2 nodes" measures what the cores left allow.`,
    );
  } finally {
    stopChildren();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    stopChildren();
    process.exit(1);
  },
);
