/**
 * Markdown for the docs site: `marked` (GitHub-flavoured Markdown) with the site's rules on top:
 *
 * - no raw HTML passes through (it is escaped), so a guide cannot inject markup or scripts;
 * - links go through `rewriteLink` (`flow.md` becomes `guides/flow.html`) and only safe targets
 *   (http(s), mailto, fragments, relative paths) become links; anything else stays plain text;
 * - images only through `image` (the site embeds them as `data:` URLs), otherwise their alt text;
 * - headings get GitHub-style ids and are collected for the page's table of contents;
 * - fenced code blocks go through `renderCode` first (diagrams, generated tables, tested samples).
 */
import { Marked, type Tokens } from 'marked';

/** A fenced code block as the renderer hands it to `renderCode`. */
export interface CodeBlock {
  /** First word of the info string (`ts`, `sh`, `mermaid`...). */
  lang: string;
  /** The rest of the info string (e.g. `test`). */
  meta: string;
  code: string;
}

/** Options of {@link renderMarkdown}. */
export interface MarkdownOptions {
  /** Renders a code block; return `undefined` for the default `<pre><code>`. */
  renderCode?: (block: CodeBlock) => string | undefined;
  /** Rewrites link targets (e.g. `quick-start.md` to `quick-start.html`). */
  rewriteLink?: (href: string) => string;
  /** The `src` of an image (e.g. a `data:` URL, so pages stay self-contained); `undefined` drops it. */
  image?: (src: string) => string | undefined;
}

/** A heading found while rendering (for tables of contents). */
export interface Heading {
  level: number;
  id: string;
  text: string;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/** A URL-fragment id for a heading text (lower case, dashes, letters of any script kept), as GitHub makes them. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/<[^>]*>/g, '')
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .trim()
      .replace(/\s+/g, '-') || 'section'
  );
}

const SAFE_URL = /^(https?:|mailto:|#|\.{0,2}\/|[\w.-]+(\.html|\.md|\/)?(#[\w-]*)?$)/i;

/** `marked` leaves entities of the source escaped in `href`; undo the ones a link target may hold. */
function unescapeHref(href: string): string {
  return href.replace(/&amp;/g, '&');
}

/** Plain text of inline tokens (for the table of contents). */
function plainText(tokens: readonly Tokens.Generic[] | undefined): string {
  return (tokens ?? [])
    .map((t) => (t.tokens ? plainText(t.tokens) : typeof t.text === 'string' ? t.text : ''))
    .join('');
}

/**
 * Renders a Markdown document to HTML; collects the headings into `headings` when given.
 *
 * @example
 * ```ts
 * renderMarkdown('# Title\n\nSome `code`.'); // '<h1 id="title">Title</h1>\n<p>Some <code>code</code>.</p>\n'
 * ```
 */
export function renderMarkdown(
  markdown: string,
  options: MarkdownOptions = {},
  headings: Heading[] = [],
): string {
  const usedIds = new Set<string>();
  const marked = new Marked({ gfm: true, async: false });
  marked.use({
    renderer: {
      html({ text }: Tokens.HTML | Tokens.Tag): string {
        return escapeHtml(text);
      },
      heading({ tokens, depth, text }: Tokens.Heading): string {
        const base = slug(text);
        let id = base;
        for (let n = 2; usedIds.has(id); n++) id = `${base}-${n}`;
        usedIds.add(id);
        headings.push({ level: depth, id, text: plainText(tokens) });
        return `<h${depth} id="${id}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
      code({ text, lang }: Tokens.Code): string {
        const [first = '', ...rest] = (lang ?? '').trim().split(/\s+/);
        const block: CodeBlock = { lang: first, meta: rest.join(' '), code: text };
        const custom = options.renderCode?.(block);
        return (
          custom ??
          `<pre><code${block.lang ? ` class="language-${escapeHtml(block.lang)}"` : ''}>${escapeHtml(text)}</code></pre>\n`
        );
      },
      link({ href, tokens }: Tokens.Link): string {
        const label = this.parser.parseInline(tokens);
        const raw = unescapeHref(href);
        const target = options.rewriteLink ? options.rewriteLink(raw) : raw;
        if (!SAFE_URL.test(target)) return label;
        return `<a href="${escapeHtml(target)}">${label}</a>`;
      },
      image({ href, text }: Tokens.Image): string {
        const resolved = options.image?.(unescapeHref(href));
        return resolved ? `<img src="${escapeHtml(resolved)}" alt="${escapeHtml(text)}">` : escapeHtml(text);
      },
    },
  });
  return marked.parse(markdown) as string;
}
