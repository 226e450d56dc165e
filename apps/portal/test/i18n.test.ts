/**
 * The three message tables: same keys, no empty texts, the same placeholders in every language,
 * and the seed wording where the screens quote the NCA guides.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KzpkiApiError } from '@kzpki/client';
import { describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { toPortalError } from '../src/app/api/http.js';
import { PortalError } from '../src/app/errors.js';
import { PORTAL_SERVER_ERROR_CODES } from '../src/app/i18n/api-errors.js';
import { createI18n, MESSAGES } from '../src/app/i18n/i18n.js';
import { en } from '../src/app/i18n/messages-en.js';
import { kk } from '../src/app/i18n/messages-kk.js';
import { ru } from '../src/app/i18n/messages-ru.js';

const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();

describe('portal messages', () => {
  const tables = { ru, kk, en } as Record<string, Record<string, string>>;

  it('every language has every key, none empty', () => {
    const keys = Object.keys(ru).sort();
    for (const [lang, table] of Object.entries(tables)) {
      expect(Object.keys(table).sort(), lang).toEqual(keys);
      for (const [k, v] of Object.entries(table)) expect(v.trim(), `${lang} ${k}`).not.toBe('');
    }
  });

  it('placeholders match across languages', () => {
    for (const k of Object.keys(ru)) {
      const want = placeholders(ru[k as keyof typeof ru]);
      expect(placeholders(kk[k as keyof typeof kk]), `kk ${k}`).toEqual(want);
      expect(placeholders(en[k as keyof typeof en]), `en ${k}`).toEqual(want);
    }
  });

  it('the Kazakh and English tables are translations, not copies of the Russian one', () => {
    const same = (t: Record<string, string>) =>
      Object.keys(ru).filter((k) => t[k] === ru[k as keyof typeof ru] && /[а-яё]/i.test(t[k] as string));
    // Terms shared by both languages ("14 цифр", "Аутентификация (AUTH)") may coincide; sentences must not.
    expect(same(kk).filter((k) => (kk[k as keyof typeof kk] as string).split(' ').length > 2)).toEqual([]);
    expect(same(en)).toEqual([]);
  });

  it('quotes the seed guides on the screens they describe', () => {
    expect(ru['otp.remaining']).toBe('Оставшееся время: {n} секунд');
    expect(ru['submitted.save']).toBe('Сохраните или запишите номер заявки!');
    expect(ru['start.who']).toBe('Выберите на кого получить услугу');
    expect(ru['confirm.check']).toBe('Подтверждаю, что данные достоверны');
    expect(ru['install.download']).toBe('Загрузить сертификаты');
    expect(kk['info.camera']).toBe('Компьютеріңізде веб-камера болуы керек');
    expect(en['form.submit']).toBe('Submit a request');
    expect(ru['install.download']).toBe('Загрузить сертификаты');
  });

  it('a failed proof of possession names the way out that works in any browser: the key files saved at submission', () => {
    // Issue 13: the status page installs from key files (seed: «укажите папку»), so the message may
    // not send the user back to the one browser only.
    expect(ru['err.ERR_PROOF_OF_POSSESSION_INVALID']).toMatch(/файлы ключей/);
    expect(kk['err.ERR_PROOF_OF_POSSESSION_INVALID']).toMatch(/кілт файлдарын/);
    expect(en['err.ERR_PROOF_OF_POSSESSION_INVALID']).toMatch(/key files/);
  });
});

describe('every error code an API can answer has our own message', () => {
  const specCodes = (file: string, pointer: string[]): string[] => {
    let node: unknown = parse(
      readFileSync(fileURLToPath(new URL(`../../../openapi/${file}`, import.meta.url)), 'utf8'),
    );
    for (const key of pointer) node = (node as Record<string, unknown>)[key];
    return (node as { enum: string[] }).enum;
  };
  const ca = specCodes('ca.yaml', ['components', 'schemas', 'ErrorCode']);
  const status = specCodes('status.yaml', ['components', 'schemas', 'Problem', 'properties', 'code']);
  const codes = [...new Set([...ca, ...status, ...PORTAL_SERVER_ERROR_CODES])].sort();

  it('reads the code lists from the specs and the portal server', () => {
    expect(ca).toContain('ERR_OTP_EXPIRED');
    expect(status).toContain('ERR_CRL_NOT_AVAILABLE');
    // The portal server's own problem codes are the ones its sources send.
    const server = ['portal-server.ts', 'proxy.ts', 'proxy-routes.ts']
      .map((f) => readFileSync(fileURLToPath(new URL(`../src/server/${f}`, import.meta.url)), 'utf8'))
      .join('\n');
    const sent = [...new Set([...server.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1] as string))].sort();
    expect(sent).toEqual([...PORTAL_SERVER_ERROR_CODES].sort());
  });

  it.each(['ru', 'kk', 'en'] as const)('%s: a message for each code, shown for that code', (lang) => {
    const table = MESSAGES[lang] as Record<string, string>;
    const i = createI18n(lang);
    const generic = new Set([i.t('common.unexpected'), i.t('common.serverError')]);
    const missing = codes.filter((c) => !table[`err.${c}`]?.trim());
    expect(missing, `${lang} lacks messages`).toEqual([]);
    for (const code of codes) {
      const shown = i.error(new PortalError('ERR_API', 'refused', { problem: { code, status: 422 } }));
      expect(shown, code).toBe(table[`err.${code}`]);
      expect(generic.has(shown), code).toBe(false);
    }
  });

  it('a code this build does not know gets a generic text in the language, never the server detail', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      for (const lang of ['ru', 'kk', 'en'] as const) {
        const i = createI18n(lang);
        const problem = { code: 'ERR_FROM_THE_FUTURE', status: 422, detail: 'Something in English' };
        const shown = i.error(new PortalError('ERR_API', 'Something in English', { problem }));
        expect(shown).toBe(i.t('common.unexpected'));
        expect(shown).not.toContain('English');
        const down = i.error(new PortalError('ERR_API', 'x', { problem: { code: 'ERR_X', status: 503 } }));
        expect(down).toBe(i.t('common.serverError'));
      }
    } finally {
      warn.mockRestore();
    }
  });

  it('transport failures of the typed client are "server unreachable", not their English message', () => {
    for (const code of ['ERR_NETWORK', 'ERR_HTTP', 'ERR_INVALID_RESPONSE', 'ERR_ABORTED'] as const) {
      const e = toPortalError(new KzpkiApiError(code, 'fetch failed: ECONNREFUSED'));
      expect(e.code, code).toBe('ERR_NETWORK');
      expect(createI18n('kk').error(e)).toBe(MESSAGES.kk['common.network']);
    }
  });

  it('a plain Error (a bug, a browser failure) shows the generic text, not its message', () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(createI18n('ru').error(new Error('The CA sent no decision document'))).toBe(
        MESSAGES.ru['common.unexpected'],
      );
    } finally {
      err.mockRestore();
    }
  });
});

describe('messages read as sentences in each language', () => {
  it('the Kazakh and Russian tables contain no English words, the English one no Cyrillic', () => {
    // Allowed Latin: product and standard names, key and file names (the NCA's prefixes), formats.
    const allowed =
      /\b(?:Digital ID|NCALayer|Kenes|SMS|PIN|AUTH|SIGN|AUTH_RSA256_|RSA256_|GOST512_|OCSP|CRL|X\.509|PEM|DER|PKCS#12|IndexedDB|JPEG|PNG|OpenSSL|Java|Chrome|Edge|Firefox|Safari|ID|hex|kzpki|name@example\.kz|p12|cer|crt|pem|ETC)\b/g;
    for (const lang of ['ru', 'kk'] as const) {
      for (const [k, v] of Object.entries(MESSAGES[lang])) {
        const rest = v.replace(allowed, '').replace(/\{\w+\}/g, '');
        expect(/[A-Za-z]{3,}/.exec(rest)?.[0], `${lang} ${k}: ${v}`).toBeUndefined();
      }
    }
    for (const [k, v] of Object.entries(MESSAGES.en))
      expect(/[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]/.test(v), k).toBe(false);
  });

  it('the strength labels agree with "Надёжность пароля" (feminine adjectives)', () => {
    expect(MESSAGES.ru['install.strength']).toMatch(/^Надёжность/);
    for (const label of ['very-weak', 'weak', 'fair', 'strong', 'very-strong'] as const)
      expect(MESSAGES.ru[`strength.${label}`], label).toMatch(/[ая]я$/);
  });
});
