/**
 * Vite build of the portal SPA: Preact with the automatic JSX runtime (Oxc transform, no plugin
 * needed), relative asset URLs so the build can be mounted at `/` or under any path, and a size
 * report of the emitted files (raw and gzip) printed at the end of every build.
 */
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Prints every emitted JS/CSS/HTML file with its raw and gzip size, and the totals. */
function bundleSizeReport(): Plugin {
  return {
    name: 'kzpki-bundle-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      const rows: Array<{ name: string; raw: number; gzip: number }> = [];
      for (const [name, item] of Object.entries(bundle)) {
        if (!/\.(js|css|html)$/.test(name)) continue;
        const content = item.type === 'chunk' ? item.code : item.source;
        const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
        rows.push({ name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
      }
      rows.sort((a, b) => b.raw - a.raw);
      const total = rows.reduce((s, r) => ({ raw: s.raw + r.raw, gzip: s.gzip + r.gzip }), {
        raw: 0,
        gzip: 0,
      });
      const lines = rows.map(
        (r) => `  ${r.name.padEnd(44)} ${kib(r.raw).padStart(11)}  gzip ${kib(r.gzip).padStart(10)}`,
      );
      console.log(
        `\n[portal] bundle size\n${lines.join('\n')}\n  ${'total'.padEnd(44)} ${kib(total.raw).padStart(11)}  gzip ${kib(total.gzip).padStart(10)}\n`,
      );
    },
  };
}

export default defineConfig({
  root,
  base: './',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
    // pkijs + asn1js make the lazily loaded crypto chunk large; it is only fetched when needed.
    chunkSizeWarningLimit: 1024,
  },
  plugins: [bundleSizeReport()],
});
