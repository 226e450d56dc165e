/**
 * Serving the built SPA: GET/HEAD of files inside the static folder only (paths are decoded,
 * normalised and must stay inside it), content types for the files Vite emits, long caching for
 * the content-hashed assets and revalidation for the rest.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Resolves a URL path to a file inside `root`, or `undefined` when it would leave it (`..`,
 * encoded separators, NUL) or is malformed.
 */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const relative = normalize(decoded.replace(/^\/+/, ''));
  if (relative === '..' || relative.startsWith(`..${sep}`) || relative.startsWith(sep)) return undefined;
  const base = normalize(root.endsWith(sep) ? root : root + sep);
  const full = join(base, relative === '.' ? 'index.html' : relative);
  return full.startsWith(base) ? full : undefined;
}

/**
 * Serves `urlPath` from `root`. Returns `false` (nothing written) when there is no such file, so
 * the caller can answer 404 or pass the request on.
 */
export async function serveStatic(
  root: string,
  urlPath: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = resolveStaticPath(root, urlPath.endsWith('/') ? `${urlPath}index.html` : urlPath);
  if (!path) return false;
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) return false;
    size = s.size;
  } catch {
    return false;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream');
  res.setHeader('Content-Length', String(size));
  // Vite names assets by content hash: they never change under the same name.
  res.setHeader(
    'Cache-Control',
    /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
  );
  if (req.method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(path);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', () => resolve());
    stream.pipe(res);
  });
  return true;
}
