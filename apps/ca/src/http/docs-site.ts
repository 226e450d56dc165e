/**
 * The built documentation site at `/docs`, read-only. Whether it exists is decided per request,
 * not at start-up: a site that `npx -y pnpm@10.34.9 run docs` builds (or rebuilds) while the CA
 * runs is served at once, without a restart. Until then `/docs` answers a problem+json 404 that
 * says how to build it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { problemOf, sendExpressProblem } from '@kzpki/server-kit';
import express from 'express';
import { CaError } from '../errors.js';

/** Advice of the 404 while the site is not built. */
export const DOCS_NOT_BUILT =
  'The docs site is not built: run `npx -y pnpm@10.34.9 run docs` at the repository root; it is served here as soon as it exists';

/**
 * The `/docs` router over `docsDir`: static files (no directory listings, no dotfiles; the pages
 * set their own CSP), and the "not built" problem while `docsDir/index.html` is missing.
 *
 * @example
 * ```ts
 * app.use('/docs', docsSite('docs/site'));
 * ```
 */
export function docsSite(docsDir: string): express.Router {
  const router = express.Router();
  // serve-static looks the file up at each request and falls through when it is not there.
  router.use(express.static(docsDir, { dotfiles: 'ignore', index: 'index.html', maxAge: '5m' }));
  router.use((_req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (existsSync(join(docsDir, 'index.html'))) {
      next();
      return;
    }
    sendExpressProblem(res, problemOf(new CaError('ERR_NOT_FOUND', DOCS_NOT_BUILT)));
  });
  return router;
}
