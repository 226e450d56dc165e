/**
 * A small Markdown renderer for the guides: ATX headings (with ids), paragraphs, fenced code
 * blocks, nested lists, GFM tables, block quotes, horizontal rules, and inline code, emphasis,
 * links and autolinks. Enough for text we write ourselves; no HTML passes through (everything is
 * escaped), so a guide cannot inject markup or scripts into the site.
 */

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

/** A URL-fragment id for a heading text (lower case, dashes, letters of any script kept). */
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

/** Renders inline Markdown (the text is escaped first). */
export function renderInline(text: string, options: MarkdownOptions = {}): string {
  const codes: string[] = [];
  // Code spans first: their content is literal.
  let s = text.replace(/`([^`]+)`/g, (_m, code: string) => {
    codes.push(`<code>${escapeHtml(code)}</code>`);
    return `\u0000${codes.length - 1}\u0000`;
  });
  s = escapeHtml(s);
  s = s.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (_m, alt: string, src: string) => {
    const resolved = options.image?.(src.replace(/&amp;/g, '&'));
    return resolved ? `<img src="${escapeHtml(resolved)}" alt="${alt}">` : alt;
  });
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, href: string) => {
    const raw = href.replace(/&amp;/g, '&');
    const target = options.rewriteLink ? options.rewriteLink(raw) : raw;
    if (!SAFE_URL.test(target)) return label;
    return `<a href="${escapeHtml(target)}">${label}</a>`;
  });
  s = s.replace(
    /(^|[\s(])(https?:\/\/[^\s<)]+[^\s<).,;:])/g,
    (_m, pre: string, url: string) => `${pre}<a href="${url}">${url}</a>`,
  );
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?!\w)/g, '$1<em>$2</em>');
  s = s.replace(/(^|[^\w_])_([^_\s][^_]*?)_(?!\w)/g, '$1<em>$2</em>');
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)] as string);
}

interface ListItem {
  lines: string[];
}

function isTableSeparator(line: string): boolean {
  return /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line);
}

function tableCells(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const cells: string[] = [];
  let current = '';
  let inCode = false;
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed[i] as string;
    if (c === '`') inCode = !inCode;
    if (c === '\\' && trimmed[i + 1] === '|') {
      current += '|';
      i++;
    } else if (c === '|' && !inCode) {
      cells.push(current.trim());
      current = '';
    } else current += c;
  }
  cells.push(current.trim());
  return cells;
}

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;

/**
 * Renders a Markdown document to HTML; collects the headings into `headings` when given.
 *
 * @example
 * ```ts
 * renderMarkdown('# Title\n\nSome `code`.'); // '<h1 id="title">Title</h1>\n<p>Some <code>code</code>.</p>'
 * ```
 */
export function renderMarkdown(
  markdown: string,
  options: MarkdownOptions = {},
  headings: Heading[] = [],
): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  const usedIds = new Set<string>();
  let i = 0;

  const paragraphEnds = (line: string): boolean =>
    line.trim() === '' ||
    /^(#{1,6})\s/.test(line) ||
    /^```/.test(line) ||
    /^>\s?/.test(line) ||
    LIST_ITEM.test(line) ||
    /^\s*(-{3,}|\*{3,})\s*$/.test(line) ||
    (line.includes('|') && i + 1 < lines.length && isTableSeparator(lines[i + 1] ?? ''));

  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = /^```\s*([\w-]*)\s*(.*)$/.exec(line);
    if (fence) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !/^```\s*$/.test(lines[i] as string)) body.push(lines[i++] as string);
      i++;
      const block: CodeBlock = { lang: fence[1] ?? '', meta: (fence[2] ?? '').trim(), code: body.join('\n') };
      const custom = options.renderCode?.(block);
      out.push(
        custom ??
          `<pre><code${block.lang ? ` class="language-${escapeHtml(block.lang)}"` : ''}>${escapeHtml(block.code)}</code></pre>`,
      );
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = (heading[1] as string).length;
      const text = heading[2] as string;
      let id = slug(text);
      for (let n = 2; usedIds.has(id); n++) id = `${slug(text)}-${n}`;
      usedIds.add(id);
      headings.push({ level, id, text: text.replace(/`/g, '') });
      out.push(`<h${level} id="${id}">${renderInline(text, options)}</h${level}>`);
      i++;
      continue;
    }
    if (/^\s*(-{3,}|\*{3,})\s*$/.test(line)) {
      out.push('<hr>');
      i++;
      continue;
    }
    if (line.includes('|') && isTableSeparator(lines[i + 1] ?? '')) {
      const head = tableCells(line);
      const aligns = tableCells(lines[i + 1] as string).map((c) =>
        c.startsWith(':') && c.endsWith(':') ? 'center' : c.endsWith(':') ? 'right' : '',
      );
      i += 2;
      const rows: string[][] = [];
      while (i < lines.length && (lines[i] as string).includes('|') && (lines[i] as string).trim() !== '') {
        rows.push(tableCells(lines[i++] as string));
      }
      const cell = (tag: string, text: string, col: number): string =>
        `<${tag}${aligns[col] ? ` style="text-align:${aligns[col]}"` : ''}>${renderInline(text, options)}</${tag}>`;
      out.push(
        `<table><thead><tr>${head.map((h, c) => cell('th', h, c)).join('')}</tr></thead><tbody>${rows
          .map((r) => `<tr>${head.map((_h, c) => cell('td', r[c] ?? '', c)).join('')}</tr>`)
          .join('')}</tbody></table>`,
      );
      continue;
    }
    if (/^>\s?/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && /^>\s?/.test(lines[i] as string))
        body.push((lines[i++] as string).replace(/^>\s?/, ''));
      out.push(`<blockquote>${renderMarkdown(body.join('\n'), options)}</blockquote>`);
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const indent = (item[1] as string).length;
      const ordered = /\d/.test(item[2] as string);
      const items: ListItem[] = [];
      while (i < lines.length) {
        const l = lines[i] as string;
        const m = LIST_ITEM.exec(l);
        if (m && (m[1] as string).length === indent) {
          items.push({ lines: [m[3] as string] });
          i++;
        } else if (l.trim() === '') {
          // A blank line ends the list unless the next line continues it (indented or another item).
          const next = lines[i + 1] ?? '';
          const nm = LIST_ITEM.exec(next);
          if ((nm && (nm[1] as string).length >= indent) || /^\s{2,}\S/.test(next)) {
            items.at(-1)?.lines.push('');
            i++;
          } else break;
        } else if (/^\s+\S/.test(l) && items.length > 0) {
          items.at(-1)?.lines.push(l.slice(Math.min(indent + 2, l.length - l.trimStart().length)));
          i++;
        } else break;
      }
      const tag = ordered ? 'ol' : 'ul';
      out.push(
        `<${tag}>${items
          .map((it) => {
            // The item's own text runs until a blank line or a nested list; the rest are blocks.
            let n = 1;
            while (
              n < it.lines.length &&
              (it.lines[n] as string).trim() !== '' &&
              !LIST_ITEM.test(it.lines[n] as string)
            )
              n++;
            const text = it.lines
              .slice(0, n)
              .map((l) => l.trim())
              .join(' ');
            const rest = it.lines.slice(n).join('\n');
            const nested = rest.trim() ? renderMarkdown(rest, options) : '';
            return `<li>${renderInline(text, options)}${nested}</li>`;
          })
          .join('')}</${tag}>`,
      );
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && (para.length === 0 || !paragraphEnds(lines[i] as string))) {
      para.push((lines[i++] as string).trim());
    }
    out.push(`<p>${renderInline(para.join(' '), options)}</p>`);
  }
  return out.join('\n');
}
