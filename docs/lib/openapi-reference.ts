/**
 * The API reference pages: Redoc, rendered by Redocly CLI's `build-docs` from the OpenAPI
 * documents in `openapi/`. The build runs offline (the Redoc bundle ships inside `@redocly/cli`
 * and `--inlineBundle` embeds it), and the page is one self-contained HTML file whose CSP keeps
 * it from loading anything from, or sending anything to, another origin (no CDN logo, no
 * telemetry, which is also switched off): it works from disk and under the CA's `/docs`.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The reference pages' CSP: Redoc's inline scripts and styles run; nothing is loaded from or sent
 * to another origin. `connect-src 'self'` lets Redoc's "try it" reach the CA when the CA serves
 * the page at `/docs`.
 */
export const REFERENCE_CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'self'";

/** Path of Redocly CLI's executable script. */
function redoclyCli(): string {
  const manifest = createRequire(import.meta.url).resolve('@redocly/cli/package.json');
  return join(dirname(manifest), 'bin', 'cli.js');
}

/** The Handlebars page template Redocly fills in: our CSP and a bar back to the rest of the site. */
function template(header: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${REFERENCE_CSP}">
<title>{{title}} · kzpki</title>
<style>
body{margin:0}
.kzpki-bar{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:baseline;padding:.55rem 1.5rem;border-bottom:1px solid #dde2ec;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f8fb}
.kzpki-bar a{color:#2f55a4}.kzpki-bar strong a{color:#1d2330;text-decoration:none}
</style>
{{{redocHead}}}
</head>
<body>
${header}
{{{redocHTML}}}
</body>
</html>
`;
}

/**
 * Renders `spec` (an OpenAPI YAML or JSON file) to the single HTML page `out`.
 *
 * @param header HTML put above the reference (the site's navigation bar).
 * @example
 * ```ts
 * await renderApiReference({ spec: 'openapi/ca.yaml', out: 'docs/site/reference/ca.html', title: 'CA API', header: '' });
 * ```
 */
export async function renderApiReference(options: {
  spec: string;
  out: string;
  title: string;
  header: string;
}): Promise<void> {
  // A folder of its own: Redocly would pick up a redocly.yaml of the working directory.
  const work = mkdtempSync(join(tmpdir(), 'kzpki-redoc-'));
  try {
    const templatePath = join(work, 'page.hbs');
    writeFileSync(templatePath, template(options.header));
    await promisify(execFile)(
      process.execPath,
      [
        redoclyCli(),
        'build-docs',
        options.spec,
        '--output',
        options.out,
        '--title',
        options.title,
        '--template',
        templatePath,
        '--inlineBundle',
        '--openapi.disableTelemetry=true',
        '--lint-config',
        'off',
      ],
      {
        cwd: work,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
          NO_COLOR: '1',
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
