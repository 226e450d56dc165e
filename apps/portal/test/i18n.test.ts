/**
 * The three message tables: same keys, no empty texts, the same placeholders in every language,
 * and the seed wording where the screens quote the NCA guides.
 */
import { describe, expect, it } from 'vitest';
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
  });
});
