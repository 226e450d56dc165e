/**
 * Checks run on every screen the browser tests visit: an accessibility audit with axe-core
 * (injected into the page; serious and critical violations fail the test, the rest are counted
 * for the report), and a scan of the rendered text for what must not show in a language: Latin
 * words and API keys on Kazakh and Russian pages, Cyrillic on English ones. Data that is not
 * translated by nature (names, serial numbers, file names) is marked `translate="no"` in the
 * portal and skipped, as are `<code>` elements.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { SCREENSHOT_DIR } from './page-helpers.js';

const require = createRequire(import.meta.url);
const AXE_SOURCE = (require('axe-core') as { source: string }).source;

/** One axe finding, as reported. */
export interface AxeFinding {
  page: string;
  rule: string;
  impact: string;
  nodes: number;
  help: string;
}

/** Every finding of the run, for the report (`test/screenshots/axe-report.json`). */
const findings: AxeFinding[] = [];
/** Every screen audited. */
const audited: string[] = [];

/** Runs axe-core on the page; fails on serious or critical violations. */
export async function auditA11y(page: Page, label: string): Promise<void> {
  const file = process.env.KZPKI_E2E_TRACE;
  const t = (w: string) =>
    file && appendFileSync(file, `[audit ${new Date().toISOString().slice(11, 23)}] ${label}: ${w}\n`);
  t('start');
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } })
      .axe;
    const r = (await axe.run(document, { resultTypes: ['violations'] })) as {
      violations: Array<{
        id: string;
        impact: string | null;
        help: string;
        nodes: Array<{ target: unknown[]; failureSummary?: string }>;
      }>;
    };
    return r.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? 'minor',
      help: v.help,
      nodes: v.nodes.length,
      where: v.nodes.slice(0, 3).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`),
    }));
  });
  t('ran');
  audited.push(label);
  for (const v of violations)
    findings.push({ page: label, rule: v.rule, impact: v.impact, nodes: v.nodes, help: v.help });
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(blocking, `axe on ${label}`).toEqual([]);
}

/** Writes the audit summary next to the screenshots. */
export function writeAuditReport(): void {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(
    join(SCREENSHOT_DIR, 'axe-report.json'),
    `${JSON.stringify({ screens: audited.length, audited, findings }, null, 2)}\n`,
  );
}

/** Product, standard and format names that stay in Latin letters in every language. */
const LATIN_ALLOWED = new Set(
  [
    'Digital',
    'ID',
    'NCALayer',
    'Kenes',
    'SMS',
    'PIN',
    'AUTH',
    'SIGN',
    'OCSP',
    'CRL',
    'X',
    'PEM',
    'DER',
    'PKCS',
    'JPEG',
    'PNG',
    'OpenSSL',
    'Java',
    'Chrome',
    'Edge',
    'Firefox',
    'Safari',
    'IndexedDB',
    'kzpki',
    'RSA',
    'ENG',
    'Kaztoken',
    'eToken',
    'JaCarta',
    'A-KEY',
    'KEY',
    'hex',
    'p12',
    'cer',
    'crt',
    'pem',
  ].map((w) => w.toLowerCase()),
);

/** API keys that must never be shown (roles, kinds, statuses). */
const RAW_KEYS =
  /(?:^|[^\w-])(legal-entity|first-manager|information-system|nca-staff|nca-admin|nca-manager|nca-operator|phone-verified|otp-sent|awaiting-approval|agreement-accepted|ERR_[A-Z_]+|undefined|NaN|\[object)(?![\w-])/;

/** Russian words that do not occur in Kazakh text. */
const RUSSIAN_ONLY =
  /(?:^|[^\p{L}])(заявк\p{L}*|ошибк\p{L}*|для|или|что|нажмите|введите|проверьте|обязательн\p{L}*|сертификаты)(?!\p{L})/iu;

/** Text shown (and announced) on the page, without what is marked as not to be translated. */
export async function renderedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const pageLang = document.documentElement.lang;
    // Not checked: data marked as not to be translated, code, and text marked as being in another
    // language (the language switcher names each language in itself).
    const skip = (el: Element | null): boolean =>
      !el ||
      el.closest('[translate="no"], code, script, style, noscript') !== null ||
      (el.closest('[lang]')?.getAttribute('lang') ?? pageLang) !== pageLang;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim();
      if (!text || skip(el)) continue;
      // Visible, or read to assistive technology (visually hidden live regions and labels).
      const visible = el?.checkVisibility?.() ?? true;
      const srOnly = el?.closest('.sr-only, .sr-live') !== null;
      if (visible || srOnly) out.push(text);
    }
    for (const el of document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')) {
      if (skip(el)) continue;
      for (const a of ['aria-label', 'title', 'alt', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v) out.push(v);
      }
    }
    out.push(document.title);
    return out;
  });
}

/** What would be wrong in `lang` about these texts (empty when all is well). */
export function untranslated(texts: string[], lang: 'ru' | 'kk' | 'en'): string[] {
  const bad: string[] = [];
  for (const raw of texts) {
    const raw1 = raw.replace(/\s+/g, ' ');
    if (RAW_KEYS.test(raw1)) bad.push(`raw value: ${raw1}`);
    // Data inside running text: file names, serials and key ids, e-mail addresses, numbers.
    const text = raw1
      .replace(/\S+@\S+\.\w+/g, ' ')
      .replace(/\b(?:AUTH_)?(?:RSA256|GOST512|GOSTKNCA)_[\w…]*(?:\.p12)?/g, ' ')
      .replace(/\b[0-9a-f]{6,}\b/gi, ' ');
    if (lang === 'en') {
      if (/[\p{Script=Cyrillic}]/u.test(text)) bad.push(`Cyrillic on an English page: ${raw1}`);
      continue;
    }
    for (const w of text.match(/[A-Za-z][A-Za-z0-9-]*/g) ?? []) {
      const ok = (p: string): boolean => LATIN_ALLOWED.has(p.toLowerCase()) || /^\d*$/.test(p);
      if (!ok(w) && !w.split('-').every(ok)) bad.push(`Latin "${w}" on a ${lang} page: ${raw1}`);
    }
    if (lang === 'kk' && RUSSIAN_ONLY.test(text)) bad.push(`Russian on a Kazakh page: ${raw1}`);
  }
  return bad;
}

/** Fails when the page shows text that does not belong in `lang`. */
export async function expectTranslated(page: Page, lang: 'ru' | 'kk' | 'en', label: string): Promise<void> {
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lang);
  const texts = await renderedText(page);
  const file = process.env.KZPKI_E2E_TRACE;
  if (file)
    appendFileSync(file, `[scan] ${label} ${lang}: ${texts.length} texts, ${texts.join('|').length} chars\n`);
  const bad = untranslated(texts, lang);
  if (file) appendFileSync(file, `[scan] ${label} ${lang}: checked\n`);
  expect(bad, `${label} (${lang})`).toEqual([]);
}
