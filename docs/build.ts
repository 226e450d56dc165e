/**
 * Builds the documentation site into `docs/site/` (run by `pnpm run docs` after `turbo run build`
 * and typedoc; or `tsx docs/build.ts`):
 *
 *   index.html, guides/*.html   the Markdown guides of docs/guides/ (samples tested, diagrams as inline SVG)
 *   reference/ca.html           the CA API, rendered from openapi/ca.yaml
 *   reference/status.html       the status service, rendered from openapi/status.yaml
 *   api/                        the typedoc reference of every package (copied from docs/api/)
 *
 * Every page is self-contained and offline: inline CSS, no scripts of ours, nothing fetched from
 * elsewhere. The build fails on a broken internal link.
 *
 * `docs/` is not a workspace package, so this script borrows two modules from packages that have
 * them: `@kzpki/pki` (its built dist) for the profiles table, and the `yaml` parser that the CA
 * (which serves this site) depends on.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type NavEntry, page } from './lib/layout.js';
import { escapeHtml, type Heading, renderMarkdown } from './lib/markdown.js';
import { OpenApiRenderer } from './lib/openapi-html.js';
import { type ProfileSource, profilesTable } from './lib/profiles-table.js';
import { extractSamples, isRunnable } from './lib/samples.js';
import { sequenceSvg } from './lib/sequence-svg.js';

const DOCS = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(DOCS, '..');
/** Where the site goes by default. */
export const SITE_DIR = join(DOCS, 'site');

/** The guides, in navigation order (`index.md` becomes the site's front page). */
export const GUIDES: ReadonlyArray<{ file: string; title: string }> = [
  { file: 'index.md', title: 'Overview' },
  { file: 'quick-start-sdk.md', title: 'Quick start: SDK developer' },
  { file: 'quick-start-integrator.md', title: 'Quick start: integrator' },
  { file: 'quick-start-tester.md', title: 'Quick start: tester' },
  { file: 'flow.md', title: 'The issuance flow' },
  { file: 'profiles.md', title: 'Certificate profiles' },
  { file: 'providers.md', title: 'Plugging in real systems' },
  { file: 'security.md', title: 'Security notes' },
];

const REFERENCES = [
  { spec: 'openapi/ca.yaml', out: 'reference/ca.html', title: 'CA API reference' },
  { spec: 'openapi/status.yaml', out: 'reference/status.html', title: 'Status service reference' },
];

function guideHref(file: string): string {
  return file === 'index.md' ? 'index.html' : `guides/${file.replace(/\.md$/, '.html')}`;
}

/** Checks that every runnable sample is tagged `test` (the docs test runs exactly those). */
function checkSamplesTagged(markdown: string, file: string): void {
  for (const s of extractSamples(markdown, file)) {
    if (isRunnable(s) && !s.tags.includes('test')) {
      throw new Error(
        `${file}:${s.line}: a \`\`\`${s.lang} sample must be tagged "test" so that it is executed by the docs test`,
      );
    }
  }
}

async function loadPki(): Promise<ProfileSource> {
  const dist = join(REPO, 'packages', 'pki', 'dist', 'index.js');
  if (!existsSync(dist))
    throw new Error('packages/pki is not built: run `pnpm build` (or `pnpm run docs`) first');
  return (await import(pathToFileURL(dist).href)) as ProfileSource;
}

function loadYaml(path: string): unknown {
  const requireFromCa = createRequire(join(REPO, 'apps', 'ca', 'package.json'));
  const yaml = requireFromCa('yaml') as { parse(text: string): unknown };
  return yaml.parse(readFileSync(path, 'utf8'));
}

const IMAGE_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  svg: 'image/svg+xml',
};

/** An image of the guides as a `data:` URL (pages stay single self-contained files). */
function imageDataUrl(path: string): string {
  const type = IMAGE_TYPES[path.split('.').at(-1)?.toLowerCase() ?? ''];
  if (!type || !existsSync(path))
    throw new Error(`docs: image ${relative(REPO, path)} is missing or not png/jpg/svg`);
  return `data:${type};base64,${readFileSync(path).toString('base64')}`;
}

/** Internal links of a page that point at files missing from the site. */
function brokenLinks(html: string, pagePath: string): string[] {
  const broken: string[] = [];
  for (const m of html.matchAll(/href="([^"#]+)(#[^"]*)?"/g)) {
    const href = (m[1] as string).replace(/&amp;/g, '&');
    if (/^[a-z]+:/i.test(href)) continue;
    const target = resolve(dirname(pagePath), href);
    if (!existsSync(target)) broken.push(href);
  }
  return broken;
}

function write(path: string, html: string, written: Map<string, string>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, html);
  written.set(path, html);
}

/** Builds the site into `outDir` (default `docs/site/`); returns the pages written (absolute paths). */
export async function buildSite(options: { outDir?: string } = {}): Promise<string[]> {
  const site = options.outDir ?? SITE_DIR;
  const pki = await loadPki();
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  const hasApi = existsSync(join(DOCS, 'api', 'index.html'));
  const nav: NavEntry[] = [
    ...GUIDES.map((g) => ({ title: g.title, href: guideHref(g.file) })),
    ...REFERENCES.map((r) => ({ title: r.title, href: r.out })),
    ...(hasApi ? [{ title: 'Package API (typedoc)', href: 'api/index.html' }] : []),
  ];
  const written = new Map<string, string>();

  for (const guide of GUIDES) {
    const markdown = readFileSync(join(DOCS, 'guides', guide.file), 'utf8');
    checkSamplesTagged(markdown, guide.file);
    const href = guideHref(guide.file);
    const root = href.includes('/') ? '../' : '';
    const headings: Heading[] = [];
    const body = renderMarkdown(
      markdown,
      {
        rewriteLink: (link) => {
          if (/^[a-z]+:/i.test(link) || link.startsWith('#')) return link;
          const [path = '', hash] = link.split('#');
          let target = path;
          if (path.endsWith('.md')) target = root + guideHref(path.replace(/^(\.\/)?(guides\/)?/, ''));
          else if (path.startsWith('reference/') || path.startsWith('api/')) target = root + path;
          return hash ? `${target}#${hash}` : target;
        },
        image: (src) => imageDataUrl(join(DOCS, 'guides', src)),
        renderCode: (block) => {
          if (block.lang === 'mermaid') {
            const caption = block.meta || 'Sequence diagram';
            return `<figure>${sequenceSvg(block.code, caption)}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
          }
          if (block.lang === 'kzpki-profiles') return profilesTable(pki);
          if (block.meta.split(/\s+/).includes('test')) {
            return `<div class="sample"><span class="tested" title="executed by the docs test">tested</span><pre><code class="language-${escapeHtml(
              block.lang,
            )}">${escapeHtml(block.code)}</code></pre></div>`;
          }
          return undefined;
        },
      },
      headings,
    );
    const toc = headings.filter((h) => h.level === 2);
    write(
      join(site, href),
      page({
        title: guide.title,
        body,
        nav,
        current: href,
        root,
        ...(toc.length
          ? {
              toc: `<ul>${toc.map((h) => `<li><a href="#${h.id}">${escapeHtml(h.text)}</a></li>`).join('')}</ul>`,
            }
          : {}),
      }),
      written,
    );
  }

  for (const ref of REFERENCES) {
    const rendered = new OpenApiRenderer(loadYaml(join(REPO, ref.spec))).render();
    write(
      join(site, ref.out),
      page({
        title: ref.title,
        body: `<p class="muted">Rendered from <code>${escapeHtml(ref.spec)}</code>, the contract the service validates every request against.</p>${rendered.body}`,
        nav,
        current: ref.out,
        root: '../',
        toc: rendered.toc,
      }),
      written,
    );
  }

  if (hasApi) cpSync(join(DOCS, 'api'), join(site, 'api'), { recursive: true });
  else console.warn('docs: docs/api/ (typedoc) is missing; run `pnpm run docs` for the package reference');

  const problems: string[] = [];
  for (const [path, html] of written) {
    for (const href of brokenLinks(html, path)) problems.push(`${relative(site, path)}: broken link ${href}`);
  }
  if (problems.length) throw new Error(`docs: ${problems.length} broken link(s):\n${problems.join('\n')}`);
  return [...written.keys()];
}

/** Total size of a folder, for the summary line. */
function size(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    total += st.isDirectory() ? size(p) : st.size;
  }
  return total;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const pages = await buildSite();
  console.log(
    `docs: ${pages.length} pages in ${relative(REPO, SITE_DIR)}/ (${Math.round(size(SITE_DIR) / 1024)} KiB); open docs/site/index.html or /docs on the CA`,
  );
}
