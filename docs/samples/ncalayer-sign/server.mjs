#!/usr/bin/env node
// The sample site's server: serves the page, the @kzpki/ncalayer client bundled for the browser
// (esbuild, one ES module), and POST /api/verify, which verifies the CMS the page sends:
//   - with --verify-url URL, by the kzpki verification service (POST URL/api/v1/cms/verify);
//   - otherwise here, with verifyCms of @kzpki/pki (revocation by OCSP, then CRL, unless
//     --no-revocation), trusting the CA certificates of --trust FILE and of --ca-url URL (the
//     reference CA's /v1/ca/certificates).
//
//   node docs/samples/ncalayer-sign/server.mjs --ca-url http://127.0.0.1:8080 [--port 8090]
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isPkiError, parsePem, toDer, verifyCms } from '@kzpki/pki';
import { build } from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const MAX_BODY = 32 * 1024 * 1024;

/** The @kzpki/ncalayer client as one browser ES module (nothing of the emulator, no `ws`). */
export async function bundleClient() {
  const result = await build({
    stdin: { contents: "export * from '@kzpki/ncalayer';", resolveDir: HERE, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
  });
  return result.outputFiles[0].text;
}

/** The CA certificates (DER) of the reference CA at `caUrl`. */
export async function caCertificates(caUrl) {
  const response = await fetch(new URL('/v1/ca/certificates', caUrl));
  if (!response.ok) throw new Error(`${caUrl}/v1/ca/certificates answered ${response.status}`);
  const { certificates } = await response.json();
  return certificates.filter((c) => c.name !== 'ocsp-responder').map((c) => toDer(c.pem, 'CERTIFICATE'));
}

/** A short, JSON-able summary of a verifyCms report (what the page shows). */
function summary(report, via) {
  const signer = report.signers[0];
  return {
    via,
    valid: report.valid,
    ...(report.reason ? { reason: report.reason, message: report.message } : {}),
    detached: report.detached,
    signers: report.signers.map((s) => ({
      valid: s.valid,
      ...(s.reason ? { reason: s.reason } : {}),
      subject: s.certificate?.subject.dn,
      iin: s.certificate?.iin,
      bin: s.certificate?.bin,
      template: s.certificate?.template,
      keyPurpose: s.certificate?.keyPurpose,
      signKey: s.signKey,
      signingTime: s.signingTime,
      timestamp: s.timestamp?.genTime,
      revocation: s.revocation.status,
    })),
    ...(signer ? {} : { message: 'no signer' }),
  };
}

/**
 * Starts the sample site.
 * @param {{ port?: number, host?: string, trustAnchors?: Uint8Array[], verifyUrl?: string, revocation?: boolean }} options
 */
export async function startSampleServer(options = {}) {
  const client = await bundleClient();
  const files = {
    '/': ['index.html', 'text/html; charset=utf-8'],
    '/index.html': ['index.html', 'text/html; charset=utf-8'],
    '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
    '/style.css': ['style.css', 'text/css; charset=utf-8'],
  };
  const anchors = options.trustAnchors ?? [];
  const verify = async (body) => {
    if (typeof body?.cms !== 'string') return { status: 400, json: { error: 'cms (base64) is required' } };
    const content = typeof body.content === 'string' ? new TextEncoder().encode(body.content) : undefined;
    if (options.verifyUrl) {
      const response = await fetch(new URL('/api/v1/cms/verify', options.verifyUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          cms: body.cms,
          ...(content ? { content: Buffer.from(content).toString('base64') } : {}),
        }),
      });
      const report = await response.json();
      if (!response.ok)
        return { status: 502, json: { error: 'the verification service refused', problem: report } };
      return { status: 200, json: summary(report, 'verification service') };
    }
    try {
      const report = await verifyCms(body.cms, {
        trustAnchors: anchors,
        ...(content ? { content } : {}),
        ...(options.revocation === false ? { revocation: false } : {}),
      });
      return { status: 200, json: summary(report, 'verifyCms') };
    } catch (e) {
      if (isPkiError(e)) return { status: 400, json: { valid: false, reason: e.code, message: e.message } };
      throw e;
    }
  };
  const server = createServer((req, res) => {
    const send = (status, type, data) => {
      res.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      res.end(data);
    };
    void (async () => {
      try {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (req.method === 'GET' && path === '/ncalayer.js')
          return send(200, 'text/javascript; charset=utf-8', client);
        if (req.method === 'GET' && files[path]) {
          const [file, type] = files[path];
          return send(200, type, await readFile(join(HERE, file)));
        }
        if (req.method === 'POST' && path === '/api/verify') {
          const chunks = [];
          let size = 0;
          for await (const chunk of req) {
            size += chunk.length;
            if (size > MAX_BODY) return send(413, 'application/json', JSON.stringify({ error: 'too large' }));
            chunks.push(chunk);
          }
          let body;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            return send(400, 'application/json', JSON.stringify({ error: 'JSON expected' }));
          }
          const { status, json } = await verify(body);
          return send(status, 'application/json', JSON.stringify(json));
        }
        send(404, 'text/plain; charset=utf-8', 'not found\n');
      } catch (e) {
        send(500, 'text/plain; charset=utf-8', `${e instanceof Error ? e.message : String(e)}\n`);
      }
    })();
  });
  await new Promise((resolve) => server.listen(options.port ?? 8090, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8090' },
      trust: { type: 'string', multiple: true, default: [] },
      'ca-url': { type: 'string' },
      'verify-url': { type: 'string' },
      'no-revocation': { type: 'boolean', default: false },
    },
  });
  const trustAnchors = [];
  for (const file of values.trust) {
    const bytes = await readFile(file);
    const text = bytes.toString('latin1');
    if (text.includes('-----BEGIN')) for (const block of parsePem(text)) trustAnchors.push(block.der);
    else trustAnchors.push(new Uint8Array(bytes));
  }
  if (values['ca-url']) trustAnchors.push(...(await caCertificates(values['ca-url'])));
  if (!values['verify-url'] && trustAnchors.length === 0) {
    console.error('Give the CAs to trust (--ca-url http://127.0.0.1:8080 or --trust FILE), or --verify-url.');
    process.exit(2);
  }
  const site = await startSampleServer({
    port: Number(values.port),
    trustAnchors,
    ...(values['verify-url'] ? { verifyUrl: values['verify-url'] } : {}),
    revocation: !values['no-revocation'],
  });
  console.log(`sample site on ${site.url} (verification: ${values['verify-url'] ?? 'verifyCms here'})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
