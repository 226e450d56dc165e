/**
 * Builds the documentation site into `docs/site/` (run by `pnpm run docs` after `turbo run build`
 * and typedoc; or `tsx docs/build.ts`):
 *
 *   index.html, guides/*.html   the Markdown guides of docs/guides/ (samples tested, diagrams as inline SVG)
 *   domain.html, architecture.html   docs/domain.md and docs/architecture.md
 *   reference/ca.html           the CA API, Redoc rendered from openapi/ca.yaml
 *   reference/status.html       the status service, Redoc rendered from openapi/status.yaml
 *   api/                        the typedoc reference of every package (copied from docs/api/)
 *
 * Markdown is rendered by `marked`, the references by Redocly CLI (`build-docs`); both run offline.
 * Every page is one self-contained file: inline CSS, images as `data:` URLs, nothing fetched from
 * elsewhere (the guides carry no script at all; the references carry Redoc's, inline, under a CSP
 * that forbids any other origin). The build fails on a broken internal link.
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
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as pki from '@kzpki/pki';
import { type NavEntry, page } from './lib/layout.js';
import { escapeHtml, type Heading, renderMarkdown } from './lib/markdown.js';
import { renderApiReference } from './lib/openapi-reference.js';
import { profilesMarkdown } from './lib/profiles-table.js';
import { extractSamples, isRunnable } from './lib/samples.js';
import { sequenceSvg } from './lib/sequence-svg.js';

const DOCS = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(DOCS, '..');
/** Where the site goes by default. */
export const SITE_DIR = join(DOCS, 'site');

/** One Markdown page of the site. */
export interface SitePage {
  /** Source, relative to `docs/`. */
  source: string;
  title: string;
  /** Output, relative to the site root. */
  href: string;
}

/** The Markdown pages, in navigation order (`guides/index.md` becomes the site's front page). */
export const PAGES: readonly SitePage[] = [
  { source: 'guides/index.md', title: 'Overview', href: 'index.html' },
  {
    source: 'guides/quick-start-sdk.md',
    title: 'Quick start: SDK developer',
    href: 'guides/quick-start-sdk.html',
  },
  {
    source: 'guides/quick-start-integrator.md',
    title: 'Quick start: integrator',
    href: 'guides/quick-start-integrator.html',
  },
  {
    source: 'guides/quick-start-tester.md',
    title: 'Quick start: tester',
    href: 'guides/quick-start-tester.html',
  },
  { source: 'guides/flow.md', title: 'The issuance flow', href: 'guides/flow.html' },
  { source: 'guides/profiles.md', title: 'Certificate profiles', href: 'guides/profiles.html' },
  { source: 'guides/providers.md', title: 'Plugging in real systems', href: 'guides/providers.html' },
  { source: 'guides/ncalayer.md', title: 'NCALayer: client and emulator', href: 'guides/ncalayer.html' },
  {
    source: 'guides/cms-signatures.md',
    title: 'Signing and verifying CMS (CAdES)',
    href: 'guides/cms-signatures.html',
  },
  {
    source: 'guides/verification-service.md',
    title: 'The verification service',
    href: 'guides/verification-service.html',
  },
  {
    source: 'guides/scale-out.md',
    title: 'Scale out: PostgreSQL and several nodes',
    href: 'guides/scale-out.html',
  },
  { source: 'domain.md', title: 'The domain (NCA RK PKI)', href: 'domain.html' },
  { source: 'errors.md', title: 'Error codes', href: 'errors.html' },
  { source: 'architecture.md', title: 'Architecture', href: 'architecture.html' },
  { source: 'security.md', title: 'Security', href: 'security.html' },
];

/** The API references. */
export const REFERENCES: ReadonlyArray<{ spec: string; out: string; title: string }> = [
  { spec: 'openapi/ca.yaml', out: 'reference/ca.html', title: 'CA API reference' },
  { spec: 'openapi/status.yaml', out: 'reference/status.html', title: 'Status service reference' },
  { spec: 'openapi/verify.yaml', out: 'reference/verify.html', title: 'Verification service reference' },
];

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

/**
 * A link of a Markdown page, rewritten for the site: another page's `.md` (by its path from the
 * source, or only its file name) becomes that page's `.html`; `reference/...` and `api/...` are
 * site paths; everything is made relative to the page being written.
 */
function siteLink(link: string, from: SitePage): string {
  if (/^[a-z]+:/i.test(link) || link.startsWith('#')) return link;
  const [path = '', hash] = link.split('#');
  const pageDir = posix.dirname(from.href);
  const toSite = (sitePath: string): string => posix.relative(pageDir, sitePath) || posix.basename(sitePath);
  let target = path;
  if (path.endsWith('.md')) {
    const sourcePath = posix.normalize(posix.join(posix.dirname(from.source), path));
    const page =
      PAGES.find((p) => p.source === sourcePath) ??
      PAGES.find((p) => posix.basename(p.source) === posix.basename(path));
    if (page) target = toSite(page.href);
  } else if (path.startsWith('reference/') || path.startsWith('api/')) {
    target = toSite(path);
  }
  return hash ? `${target}#${hash}` : target;
}

/** The bar above the API references: back to the rest of the site. */
function referenceBar(nav: NavEntry[]): string {
  const links = nav
    .filter((n) => ['index.html', 'api/index.html', ...REFERENCES.map((r) => r.out)].includes(n.href))
    .map((n) => `<a href="../${escapeHtml(n.href)}">${escapeHtml(n.title)}</a>`);
  return `<nav class="kzpki-bar"><strong><a href="../index.html">kzpki</a></strong>${links.join('')}</nav>`;
}

/** Builds the site into `outDir` (default `docs/site/`); returns the pages written (absolute paths). */
export async function buildSite(options: { outDir?: string } = {}): Promise<string[]> {
  const site = options.outDir ?? SITE_DIR;
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  const hasApi = existsSync(join(DOCS, 'api', 'index.html'));
  const pages = PAGES;
  const nav: NavEntry[] = [
    ...pages.map((p) => ({ title: p.title, href: p.href })),
    ...REFERENCES.map((r) => ({ title: r.title, href: r.out })),
    ...(hasApi ? [{ title: 'Package API (typedoc)', href: 'api/index.html' }] : []),
  ];
  const written = new Map<string, string>();
  /** The HTML whose links the build checks, when not the whole page. */
  const linksOf = new Map<string, string>();

  for (const p of pages) {
    const sourcePath = join(DOCS, p.source);
    const markdown = readFileSync(sourcePath, 'utf8');
    checkSamplesTagged(markdown, p.source);
    const root = posix.relative(posix.dirname(p.href), '.')
      ? `${posix.relative(posix.dirname(p.href), '.')}/`
      : '';
    const headings: Heading[] = [];
    const markdownOptions = {
      rewriteLink: (link: string) => siteLink(link, p),
      image: (src: string) => imageDataUrl(join(dirname(sourcePath), src)),
    };
    const body = renderMarkdown(
      markdown,
      {
        ...markdownOptions,
        renderCode: (block) => {
          if (block.lang === 'mermaid') {
            const caption = block.meta || 'Sequence diagram';
            return `<figure>${sequenceSvg(block.code, caption)}<figcaption>${escapeHtml(caption)}</figcaption></figure>`;
          }
          if (block.lang === 'kzpki-profiles') {
            return `<div class="profiles">${renderMarkdown(profilesMarkdown(pki), markdownOptions)}</div>`;
          }
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
      join(site, p.href),
      page({
        title: p.title,
        body,
        nav,
        current: p.href,
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
    const out = join(site, ref.out);
    mkdirSync(dirname(out), { recursive: true });
    const bar = referenceBar(nav);
    await renderApiReference({ spec: join(REPO, ref.spec), out, title: ref.title, header: bar });
    // Redoc's own links are routes inside the page; only the bar links to other files.
    linksOf.set(out, bar);
    written.set(out, readFileSync(out, 'utf8'));
  }

  if (hasApi) cpSync(join(DOCS, 'api'), join(site, 'api'), { recursive: true });
  else
    console.warn(
      'docs: docs/api/ (typedoc) is missing; run `npx -y pnpm@10.34.9 run docs` for the package reference',
    );

  const problems: string[] = [];
  for (const [path, html] of written) {
    for (const href of brokenLinks(linksOf.get(path) ?? html, path))
      problems.push(`${relative(site, path)}: broken link ${href}`);
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
