/**
 * The page shell of the Markdown pages of the docs site: one self-contained HTML file per page
 * (inline CSS, no scripts, no fonts or images from elsewhere), with relative links so the site
 * works from disk and under any path prefix (the CA serves it at `/docs`).
 */
import { escapeHtml } from './markdown.js';

/** An entry of the site navigation. */
export interface NavEntry {
  title: string;
  /** Path from the site root, e.g. `guides/flow.html`. */
  href: string;
}

const CSS = `
:root{--fg:#1d2330;--muted:#5b6478;--line:#dde2ec;--bg:#fff;--side:#f6f8fb;--accent:#2f55a4;--code:#f3f5f9}
*{box-sizing:border-box}body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}header{padding:.8rem 1.5rem;border-bottom:1px solid var(--line);display:flex;gap:1rem;align-items:baseline}
header strong{font-size:1.1rem}header span{color:var(--muted);font-size:.9rem}
.wrap{display:flex;align-items:flex-start}nav{position:sticky;top:0;max-height:100vh;overflow:auto;width:19rem;flex:none;padding:1rem 1.2rem;background:var(--side);border-right:1px solid var(--line);font-size:.92rem}
nav ul{list-style:none;padding-left:0;margin:.2rem 0}nav ul ul{padding-left:.9rem}nav li{margin:.15rem 0}nav .current>a{font-weight:700;color:var(--fg)}
main{flex:1;min-width:0;max-width:62rem;padding:1rem 2.2rem 4rem}h1{font-size:1.9rem;margin-top:.6rem}h2{margin-top:2.2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
code{font:.88em/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);padding:.1em .3em;border-radius:3px}
pre{background:var(--code);padding:.8rem 1rem;overflow:auto;border-radius:5px;border:1px solid var(--line)}pre code{background:none;padding:0}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem;width:100%}th,td{border:1px solid var(--line);padding:.35rem .55rem;text-align:left;vertical-align:top}th{background:var(--side)}
blockquote{margin:1rem 0;padding:.2rem 1rem;border-left:4px solid var(--accent);background:var(--side)}
.sample{position:relative}.sample .tested{position:absolute;top:.3rem;right:.5rem;font-size:.72rem;color:var(--muted)}
figure{margin:1.5rem 0;overflow:auto}figcaption{color:var(--muted);font-size:.9rem}
.muted{color:var(--muted)}
.profiles td{font-size:.82rem}main img{max-width:100%;border:1px solid var(--line);border-radius:4px}
@media (max-width:60rem){.wrap{display:block}nav{position:static;width:auto;max-height:none;border-right:0;border-bottom:1px solid var(--line)}main{padding:1rem}}
`;

/** A complete HTML page. `root` is the relative path from this page to the site root. */
export function page(options: {
  title: string;
  body: string;
  nav: NavEntry[];
  current: string;
  root: string;
  /** Extra navigation (a page's own table of contents). */
  toc?: string;
}): string {
  const nav = options.nav
    .map(
      (n) =>
        `<li${n.href === options.current ? ' class="current"' : ''}><a href="${escapeHtml(options.root + n.href)}">${escapeHtml(n.title)}</a>${
          n.href === options.current && options.toc ? options.toc : ''
        }</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(options.title)} · kzpki</title>
<style>${CSS}</style>
</head>
<body>
<header><strong><a href="${escapeHtml(options.root)}index.html">kzpki</a></strong><span>toolkit for Kazakhstan's national PKI (NCA RK): SDK, reference CA, status service</span></header>
<div class="wrap">
<nav><ul>${nav}</ul></nav>
<main>
${options.body}
</main>
</div>
</body>
</html>
`;
}
