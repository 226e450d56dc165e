/**
 * Renders the subset of Mermaid's `sequenceDiagram` syntax the guides use to a self-contained
 * inline SVG (no Mermaid, no JavaScript in the page):
 *
 *   participant ID as Label
 *   A->>B: message        (solid arrow: request)
 *   A-->>B: message       (dashed arrow: response)
 *   Note over A,B: text   / Note right of A: text / Note left of A: text
 *
 * Anything else is an error, so a diagram never silently loses a line.
 */
import { escapeHtml } from './markdown.js';

interface Participant {
  id: string;
  label: string;
  x: number;
}

type Step =
  | { kind: 'message'; from: string; to: string; text: string; dashed: boolean }
  | { kind: 'note'; over: string[]; side: 'over' | 'left' | 'right'; text: string };

/** Approximate text width at the diagram's font size (13px sans-serif). */
function textWidth(text: string): number {
  return [...text].length * 6.8;
}

/** Parses the diagram source. */
export function parseSequence(source: string): {
  participants: Array<{ id: string; label: string }>;
  steps: Step[];
} {
  const lines = source
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('%%'));
  if (lines[0] !== 'sequenceDiagram') throw new Error('A sequence diagram starts with "sequenceDiagram"');
  const participants: Array<{ id: string; label: string }> = [];
  const ensure = (id: string): void => {
    if (!participants.some((p) => p.id === id)) participants.push({ id, label: id });
  };
  const steps: Step[] = [];
  for (const line of lines.slice(1)) {
    let m = /^participant\s+(\S+)(?:\s+as\s+(.+))?$/.exec(line);
    if (m) {
      const id = m[1] as string;
      const existing = participants.find((p) => p.id === id);
      if (existing) existing.label = m[2] ?? id;
      else participants.push({ id, label: m[2] ?? id });
      continue;
    }
    m = /^(\S+?)\s*(-->>|->>)\s*(\S+?)\s*:\s*(.*)$/.exec(line);
    if (m) {
      ensure(m[1] as string);
      ensure(m[3] as string);
      steps.push({
        kind: 'message',
        from: m[1] as string,
        to: m[3] as string,
        text: m[4] as string,
        dashed: m[2] === '-->>',
      });
      continue;
    }
    m = /^Note\s+(over|left of|right of)\s+([^:]+):\s*(.*)$/i.exec(line);
    if (m) {
      const over = (m[2] as string).split(',').map((s) => s.trim());
      over.forEach(ensure);
      const side = (m[1] as string).toLowerCase().startsWith('left')
        ? 'left'
        : (m[1] as string).toLowerCase().startsWith('right')
          ? 'right'
          : 'over';
      steps.push({ kind: 'note', over, side, text: m[3] as string });
      continue;
    }
    throw new Error(`Unsupported sequence diagram line: ${line}`);
  }
  return { participants, steps };
}

/**
 * The diagram as an `<svg>` element (with a `<title>` for screen readers).
 *
 * @example
 * ```ts
 * sequenceSvg('sequenceDiagram\n  A->>B: hello\n  B-->>A: hi', 'Greeting');
 * ```
 */
export function sequenceSvg(source: string, title: string): string {
  const { participants: parsed, steps } = parseSequence(source);
  const boxWidth = Math.max(120, ...parsed.map((p) => textWidth(p.label) + 24));
  // Columns as close as their boxes allow, then widened where a message label needs the room:
  // each message between columns i < j pushes column j (and those after it) right.
  const xs = parsed.map((_p, i) => i * (boxWidth + 24));
  const index = new Map(parsed.map((p, i) => [p.id, i]));
  const spans = steps
    .filter((st): st is Extract<Step, { kind: 'message' }> => st.kind === 'message' && st.from !== st.to)
    .map((st) => {
      const a = index.get(st.from) as number;
      const b = index.get(st.to) as number;
      return { lo: Math.min(a, b), hi: Math.max(a, b), need: textWidth(st.text) + 30 };
    })
    .sort((a, b) => a.hi - a.lo - (b.hi - b.lo));
  for (const { lo, hi, need } of spans) {
    const deficit = need - ((xs[hi] as number) - (xs[lo] as number));
    if (deficit > 0) for (let k = hi; k < xs.length; k++) xs[k] = (xs[k] as number) + deficit;
  }
  const participants: Participant[] = parsed.map((p, i) => ({ ...p, x: xs[i] as number }));
  const byId = new Map(participants.map((p) => [p.id, p]));
  let minX = -boxWidth / 2 - 10;
  let maxX = (participants.at(-1)?.x ?? 0) + boxWidth / 2 + 10;
  const top = 20;
  const boxHeight = 36;
  const rowHeight = 38;
  const parts: string[] = [];
  let y = top + boxHeight + 30;

  for (const s of steps) {
    if (s.kind === 'message') {
      const a = byId.get(s.from) as Participant;
      const b = byId.get(s.to) as Participant;
      const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
      if (a === b) {
        maxX = Math.max(maxX, a.x + 56 + textWidth(s.text));
        parts.push(
          `<path d="M${a.x} ${y - 8} h40 v18 h-36" fill="none" stroke="#334"${dash}/>`,
          `<polygon points="${a.x} ${y + 10},${a.x + 9} ${y + 6},${a.x + 9} ${y + 14}" fill="#334"/>`,
          `<text x="${a.x + 48}" y="${y + 4}" class="msg" text-anchor="start">${escapeHtml(s.text)}</text>`,
        );
      } else {
        const dir = b.x > a.x ? 1 : -1;
        const end = b.x - dir * 2;
        parts.push(
          `<line x1="${a.x}" y1="${y}" x2="${end - dir * 8}" y2="${y}" stroke="#334"${dash}/>`,
          `<polygon points="${end} ${y},${end - dir * 10} ${y - 5},${end - dir * 10} ${y + 5}" fill="#334"/>`,
          `<text x="${(a.x + b.x) / 2}" y="${y - 7}" class="msg">${escapeHtml(s.text)}</text>`,
        );
      }
      y += a === b ? rowHeight + 10 : rowHeight;
    } else {
      const xs = s.over.map((id) => (byId.get(id) as Participant).x);
      const w = Math.max(textWidth(s.text) + 20, Math.max(...xs) - Math.min(...xs) + 60);
      const cx =
        s.side === 'over'
          ? (Math.min(...xs) + Math.max(...xs)) / 2
          : s.side === 'right'
            ? (xs[0] as number) + 14 + w / 2
            : (xs[0] as number) - 14 - w / 2;
      minX = Math.min(minX, cx - w / 2 - 10);
      maxX = Math.max(maxX, cx + w / 2 + 10);
      parts.push(
        `<rect x="${cx - w / 2}" y="${y - 16}" width="${w}" height="26" rx="3" fill="#fff8d6" stroke="#c9b458"/>`,
        `<text x="${cx}" y="${y + 1}" class="note">${escapeHtml(s.text)}</text>`,
      );
      y += rowHeight;
    }
  }
  const height = y + 10;
  const width = maxX - minX;
  const heads = participants.map(
    (p) =>
      `<line x1="${p.x}" y1="${top + boxHeight}" x2="${p.x}" y2="${height - 10}" stroke="#99a" stroke-dasharray="3 3"/>` +
      `<rect x="${p.x - boxWidth / 2}" y="${top}" width="${boxWidth}" height="${boxHeight}" rx="4" fill="#eef2fb" stroke="#5566aa"/>` +
      `<text x="${p.x}" y="${top + 23}" class="actor">${escapeHtml(p.label)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" class="sequence" viewBox="${Math.floor(minX)} 0 ${Math.ceil(width)} ${Math.ceil(height)}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" style="max-width:100%;height:auto">`,
    `<title>${escapeHtml(title)}</title>`,
    '<style>text{font:13px system-ui,sans-serif;fill:#223;text-anchor:middle}.actor{font-weight:600}.note{font-style:italic}</style>',
    ...heads,
    ...parts,
    '</svg>',
  ].join('');
}
