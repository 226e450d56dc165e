/**
 * Code samples of the guides. Every ```ts and ```sh block must carry the `test` tag (```ts test):
 * the docs test of `@kzpki/cli` extracts and runs each one, so the guides never show code that
 * does not work. Blocks of other languages (```text output, ```mermaid diagrams) are not run.
 */

/** Languages whose blocks are code a reader would run. */
export const RUNNABLE_LANGS: readonly string[] = ['ts', 'typescript', 'js', 'sh', 'bash', 'shell'];

/** One fenced block of a guide. */
export interface Sample {
  /** Guide file name. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  /** Words after the language (`test`, ...). */
  tags: string[];
  code: string;
}

/** Every fenced code block of `markdown`, in order. */
export function extractSamples(markdown: string, file: string): Sample[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const samples: Sample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```\s*([\w-]*)\s*(.*)$/.exec(lines[i] as string);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] as string); i++) body.push(lines[i] as string);
    samples.push({
      file,
      line: start + 1,
      lang: open[1] ?? '',
      tags: (open[2] ?? '').split(/\s+/).filter(Boolean),
      code: `${body.join('\n')}\n`,
    });
  }
  return samples;
}

/** `true` for blocks of code a reader would run (these must be tested). */
export function isRunnable(sample: Sample): boolean {
  return RUNNABLE_LANGS.includes(sample.lang);
}
