/**
 * Load benchmark of the status service (`pnpm bench`): autocannon against the running service on
 * 127.0.0.1, next to `openssl ocsp -index … -port` answering the same requests in the same run.
 *
 * Setup: a CA store (`@kzpki/ca-store`, RSA-2048 test CA keys held by this script, as the CA would)
 * with 200 end-entity certificates, 20 of them revoked, and the CA's signed CRLs; the service is started as its own process from `src/main.ts`, once over the CA store
 * (`KZPKI_STATUS_SOURCE=ca`, what `pnpm start` runs) and once in offline mode over the same
 * certificates as an OpenSSL `index.txt` (`KZPKI_STATUS_SOURCE=offline`), which is also exactly
 * what `openssl ocsp` gets. Each scenario: 1 s warm-up, then `BENCH_SECONDS` (default 5) measured.
 * Every process started here is stopped by the script.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { caStorePath, openCaStore } from '@kzpki/ca-store';
import {
  createOcspRequest,
  exportPkcs8,
  generateKeyPair,
  getCrypto,
  issueCertificate,
  ocspResponderProfile,
  parseOcspResponse,
  toBase64,
  toPem,
} from '@kzpki/pki';
import autocannon, { type Result } from 'autocannon';
import {
  publishHierarchy,
  publishStoreCrl,
  seedApplication,
  TEST_AUDIT,
  testStatusKek,
} from '../test/support/ca-store.js';
import { ISSUING_ID, makeHierarchy } from '../test/support/hierarchy.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const CERTIFICATES = 200;
const REVOKED_EVERY = 10;
const PASSPHRASE = 'bench-passphrase-not-secret';
const appDir = fileURLToPath(new URL('..', import.meta.url));

interface Row {
  scenario: string;
  server: string;
  result?: Result;
  /** Server CPU seconds (user + system, all its processes) spent during the measured run. */
  cpuSeconds?: number;
  note?: string;
}

/**
 * CPU seconds used so far by every process of a process group (Linux `/proc`; `undefined`
 * elsewhere). The servers share the machine with the load generator, so their CPU time per
 * request says what they would answer with a core of their own.
 */
function groupCpuSeconds(pgid: number): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const pids = execFileSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, g]) => g === pgid)
    .map(([pid]) => pid!);
  let total = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) / ticks;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

const children: ChildProcess[] = [];

/** Stops every process group this script started (each child leads its own group). */
function stopChildren(): void {
  for (const c of children) {
    if (c.pid === undefined) continue;
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts a process and resolves once `ready` says so (or rejects on exit / after 60 s). */
function start(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
) {
  // Every child leads its own process group, which is signalled as a whole at the end:
  // `openssl ocsp -multi` makes its group itself (and fails when started as a session leader),
  // and its master does not stop its workers on SIGTERM while it waits for them.
  const child = spawn(cmd, args, {
    cwd: appDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: cmd !== 'openssl',
  });
  children.push(child);
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  return new Promise<ChildProcess>((resolve, reject) => {
    const deadline = Date.now() + 60_000;
    child.once('exit', (code) => reject(new Error(`${name} exited (${code}):\n${log}`)));
    const poll = async (): Promise<void> => {
      if (await ready().catch(() => false)) return resolve(child);
      if (Date.now() > deadline) return reject(new Error(`${name} did not start:\n${log}`));
      setTimeout(poll, 200);
    };
    setTimeout(poll, 200);
  });
}

async function run(
  scenario: string,
  server: string,
  child: ChildProcess,
  opts: Parameters<typeof autocannon>[0],
  warmUp = true,
): Promise<Row> {
  // Warm-up: caches, JIT, keep-alive connections.
  if (warmUp) await autocannon({ ...opts, duration: 1, connections: CONNECTIONS });
  const before = groupCpuSeconds(child.pid!);
  const result = await autocannon({ ...opts, duration: SECONDS, connections: CONNECTIONS });
  const after = groupCpuSeconds(child.pid!);
  return {
    scenario,
    server,
    result,
    ...(before !== undefined && after !== undefined ? { cpuSeconds: after - before } : {}),
  };
}

/** Raw RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second through WebCrypto (4 in flight, as the service). */
async function rawSignRate(key: CryptoKey): Promise<number> {
  const data = new Uint8Array(400);
  const until = performance.now() + 2000;
  let n = 0;
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      while (performance.now() < until) {
        await getCrypto().subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, key, data);
        n++;
      }
    }),
  );
  return n / 2;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kzpki-status-bench-'));
  const rows: Row[] = [];
  try {
    console.log(
      `status bench: ${cpus().length} CPU(s), load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    // --- the CA (this script plays it) and its certificates
    const h = await makeHierarchy('http://127.0.0.1:8081');
    const ca = { issuing: { certificate: h.issuing.cert.der, privateKey: h.issuing.keys.privateKey } };
    const store = openCaStore(caStorePath(dir));
    await publishHierarchy(store, h, await testStatusKek(PASSPHRASE));
    const certs = await seedApplication(store, h, {
      number: '27888601100404',
      count: CERTIFICATES,
      statusUrl: 'http://127.0.0.1:8081',
    });
    const revokedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    const revokedEntries = [];
    for (let i = 0; i < certs.length; i += REVOKED_EVERY) {
      await store.changeCertificateStatus({
        issuerSkiHex: h.issuing.cert.subjectKeyId,
        serialHex: certs[i]!.serialHex,
        change: 'revoked',
        at: revokedAt,
        reason: 'keyCompromise',
        audit: TEST_AUDIT,
      });
      revokedEntries.push({
        serial: certs[i]!.serialHex,
        revocationDate: revokedAt,
        reason: 'keyCompromise' as const,
      });
    }
    for (const c of ['root', 'issuing'] as const) {
      await publishStoreCrl(store, h, c, 'full', c === 'issuing' ? revokedEntries : []);
      await publishStoreCrl(store, h, c, 'delta');
    }
    const crlFiles = {
      full: join(dir, 'issuing.crl'),
      delta: join(dir, 'issuing-delta.crl'),
    };
    writeFileSync(crlFiles.full, (await store.getPublishedCrl(h.issuing.cert.subjectKeyId, 'full'))!.der);
    writeFileSync(crlFiles.delta, (await store.getPublishedCrl(h.issuing.cert.subjectKeyId, 'delta'))!.der);
    await store.close();

    // --- files for OpenSSL and the offline mode: the same certificates as an index.txt
    const utc = (d: Date) => `${d.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`;
    const index = certs
      .map((c, i) =>
        [
          i % REVOKED_EVERY === 0 ? 'R' : 'V',
          utc(c.notAfter),
          i % REVOKED_EVERY === 0 ? `${utc(revokedAt)},keyCompromise` : '',
          c.serialHex.toUpperCase(),
          'unknown',
          `/CN=bench ${i}`,
        ].join('\t'),
      )
      .join('\n');
    const files = {
      index: join(dir, 'index.txt'),
      issuing: join(dir, 'issuing.pem'),
      responder: join(dir, 'responder.pem'),
      responderKey: join(dir, 'responder.key'),
    };
    writeFileSync(files.index, `${index}\n`);
    writeFileSync(join(dir, 'index.txt.attr'), 'unique_subject = no\n');
    writeFileSync(files.issuing, toPem(ca.issuing.certificate, 'CERTIFICATE'));
    // A second delegated responder (RSA-2048 like the CA's) whose key OpenSSL can read.
    const responderKeys = await generateKeyPair('RSA-2048');
    const responder = await issueCertificate({
      subject: [{ type: '2.5.4.3', value: 'OCSP RESPONDER (bench)' }],
      publicKey: responderKeys.publicKey,
      profile: ocspResponderProfile(),
      issuer: ca.issuing.certificate,
      issuerKey: ca.issuing.privateKey,
    });
    writeFileSync(files.responder, responder.pem);
    writeFileSync(files.responderKey, toPem(await exportPkcs8(responderKeys.privateKey), 'PRIVATE KEY'));
    const signRate = await rawSignRate(responderKeys.privateKey);

    // --- requests: 100 distinct certificates (SHA-1 CertIDs without nonce), one with a nonce
    const targets = certs.slice(0, 100);
    const encoded: string[] = [];
    for (const c of targets) {
      const req = await createOcspRequest({
        certificate: c.der,
        issuer: ca.issuing.certificate,
        nonce: false,
      });
      encoded.push(encodeURIComponent(toBase64(req.der)));
    }
    // Our responder lives at /ocsp (the URL in the certificates); OpenSSL's at the root.
    const getPaths = encoded.map((e) => `/ocsp/${e}`);
    const opensslGetPaths = encoded.map((e) => `/${e}`);
    const nonceReq = await createOcspRequest({
      certificate: certs[1]!.der,
      issuer: ca.issuing.certificate,
      nonce: true,
    });
    const postBody = Buffer.from(nonceReq.der);

    // --- the servers
    const [caPort, offlinePort, opensslPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const tsx = ['--import', 'tsx', 'src/main.ts'];
    const readyAt = (port: number) => async () =>
      (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200;
    const caServer = await start(
      'status (CA store)',
      process.execPath,
      tsx,
      {
        KZPKI_STATUS_SOURCE: 'ca',
        KZPKI_DATA_DIR: dir,
        KZPKI_STATUS_PASSPHRASE: PASSPHRASE,
        KZPKI_STATUS_PORT: String(caPort),
      },
      readyAt(caPort),
    );
    const offlineServer = await start(
      'status (offline)',
      process.execPath,
      tsx,
      {
        KZPKI_STATUS_SOURCE: 'offline',
        KZPKI_STATUS_PORT: String(offlinePort),
        KZPKI_STATUS_CA_CERT: files.issuing,
        KZPKI_STATUS_RESPONDER_CERT: files.responder,
        KZPKI_STATUS_RESPONDER_KEY: files.responderKey,
        KZPKI_STATUS_INDEX: files.index,
        KZPKI_STATUS_CRL: crlFiles.full,
        KZPKI_STATUS_DELTA_CRL: crlFiles.delta,
      },
      readyAt(offlinePort),
    );
    const opensslArgs = [
      'ocsp',
      '-index',
      files.index,
      '-CA',
      files.issuing,
      '-rsigner',
      files.responder,
      '-rkey',
      files.responderKey,
      // OpenSSL takes a port number only (it listens on every interface); the bench connects to 127.0.0.1.
      '-port',
      String(opensslPort),
      '-nmin',
      '60',
      '-ignore_err',
      '-multi',
      String(cpus().length),
    ];
    // `openssl ocsp` is a test responder: one connection at a time per worker, HTTP/1.0, and it can
    // stay blocked on a socket the load generator left behind when a run ends. Each OpenSSL
    // scenario therefore gets a fresh process (no warm-up needed: it has no cache and no JIT).
    const startOpenssl = async (): Promise<ChildProcess> =>
      start('openssl ocsp', 'openssl', opensslArgs, {}, async () => {
        const res = await fetch(`http://127.0.0.1:${opensslPort}${opensslGetPaths[0]}`);
        return (
          res.status === 200 &&
          parseOcspResponse(new Uint8Array(await res.arrayBuffer())).status === 'successful'
        );
      });
    const stopOpenssl = (child: ChildProcess): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    };
    let opensslServer = await startOpenssl();

    // Sanity: all three answer the same question the same way.
    for (const [port, paths] of [
      [caPort, getPaths],
      [offlinePort, getPaths],
      [opensslPort, opensslGetPaths],
    ] as const) {
      const a = parseOcspResponse(
        new Uint8Array(await (await fetch(`http://127.0.0.1:${port}${paths[0]}`)).arrayBuffer()),
      );
      const b = parseOcspResponse(
        new Uint8Array(await (await fetch(`http://127.0.0.1:${port}${paths[1]}`)).arrayBuffer()),
      );
      if (a.responses[0]?.status.type !== 'revoked' || b.responses[0]?.status.type !== 'good') {
        throw new Error(`server on port ${port} disagrees about the benchmark certificates`);
      }
    }

    // --- scenarios
    const getRequests = getPaths.map((path) => ({ method: 'GET', path }));
    const opensslGetRequests = opensslGetPaths.map((path) => ({ method: 'GET', path }));
    const post = {
      method: 'POST',
      body: postBody,
      headers: { 'content-type': 'application/ocsp-request' },
    };
    const base = (port: number) => `http://127.0.0.1:${port}`;
    const ossl = `openssl ocsp -multi ${cpus().length}`;
    const getCached = 'OCSP GET, no nonce (pre-produced)';
    const postNonce = 'OCSP POST with nonce (live signing)';
    rows.push(
      await run(getCached, 'kzpki status, CA store', caServer, { url: base(caPort), requests: getRequests }),
    );
    rows.push(
      await run(getCached, 'kzpki status, offline', offlineServer, {
        url: base(offlinePort),
        requests: getRequests,
      }),
    );
    rows.push(
      await run(
        'OCSP GET, no nonce',
        ossl,
        opensslServer,
        { url: base(opensslPort), requests: opensslGetRequests },
        false,
      ),
    );
    stopOpenssl(opensslServer);
    await new Promise((r) => setTimeout(r, 500));
    opensslServer = await startOpenssl();
    rows.push(
      await run(postNonce, 'kzpki status, CA store', caServer, { url: `${base(caPort)}/ocsp`, ...post }),
    );
    rows.push(
      await run('OCSP POST with nonce', ossl, opensslServer, { url: base(opensslPort), ...post }, false),
    );
    stopOpenssl(opensslServer);
    const crlPath = `/crl/${ISSUING_ID}.crl`;
    const crlSize = (await (await fetch(base(caPort) + crlPath)).arrayBuffer()).byteLength;
    rows.push(
      await run(
        `CRL download (${crlSize} B, ${CERTIFICATES / REVOKED_EVERY} entries)`,
        'kzpki status, CA store',
        caServer,
        {
          url: base(caPort) + crlPath,
        },
      ),
    );
    rows.push({ scenario: 'CRL download', server: 'openssl ocsp', note: 'n/a (OpenSSL serves no CRLs)' });

    // --- report
    const header = [
      'scenario',
      'server',
      'req/s',
      'p50 ms',
      'p99 ms',
      'non-2xx',
      'errors',
      'server CPU µs/req',
      'req/s per core',
    ];
    const table = rows.map((r) => {
      if (!r.result) return [r.scenario, r.server, r.note ?? '', '', '', '', '', '', ''];
      const total = r.result.requests.total;
      const perReq = r.cpuSeconds !== undefined && total > 0 ? (r.cpuSeconds * 1e6) / total : undefined;
      return [
        r.scenario,
        r.server,
        Math.round(r.result.requests.average).toLocaleString('en'),
        r.result.latency.p50.toFixed(2),
        r.result.latency.p99.toFixed(2),
        String(r.result.non2xx),
        String(r.result.errors + r.result.timeouts),
        perReq === undefined ? 'n/a' : perReq.toFixed(0),
        perReq === undefined ? 'n/a' : Math.round(1e6 / perReq).toLocaleString('en'),
      ];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const row of table) console.log(line(row));
    console.log(
      `\nraw RSA-2048 sign rate (WebCrypto, 4 in flight, this process): ${Math.round(signRate).toLocaleString('en')}/s; ` +
        `${CONNECTIONS} connections, ${SECONDS} s per scenario, autocannon in this process on the same machine; ` +
        `load average now ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}. "req/s per core" = 1 / server CPU per request. ` +
        `OpenSSL 3.0 closes the connection after every response (HTTP/1.0), hence its errors (reconnects). ` +
        `Target: >= 15,000 cached OCSP/s with p99 < 10 ms.`,
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
