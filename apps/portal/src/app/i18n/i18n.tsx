/**
 * Language of the portal (ru / kk / en): the message tables, `t()` with `{name}` placeholders,
 * dates in the local time zone, and the localized text of any error the screens show.
 */
import { type ComponentChildren, createContext } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import type { LocalizedText } from '../api/types.js';
import { isPortalError } from '../errors.js';
import { en } from './messages-en.js';
import { kk } from './messages-kk.js';
import { type MessageKey, ru } from './messages-ru.js';

/** Languages of the portal. */
export type Lang = 'ru' | 'kk' | 'en';

/** Every language, in the order of the switcher. */
export const LANGS: readonly Lang[] = ['kk', 'ru', 'en'];

/** The message tables. */
export const MESSAGES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { ru, kk, en };

/** BCP 47 tags for `Intl` and `<html lang>`. */
const LOCALES: Readonly<Record<Lang, string>> = { ru: 'ru-RU', kk: 'kk-KZ', en: 'en-GB' };

/** Fills `{name}` placeholders. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** What screens use to speak the user's language. */
export interface I18n {
  lang: Lang;
  locale: string;
  /** A message with placeholders filled. */
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** The current language's variant of a server text. */
  text(value: LocalizedText | undefined): string;
  /** Date and time, e.g. `04.04.2020 (22:56:23)` as on the NCA status page. */
  dateTime(iso: string | undefined): string;
  /** Date only. */
  date(iso: string | undefined): string;
  /** The message to show for an error. */
  error(e: unknown): string;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Builds the {@link I18n} of a language. */
export function createI18n(lang: Lang): I18n {
  const table = MESSAGES[lang];
  const t = (key: MessageKey, params?: Record<string, string | number>): string => format(table[key], params);
  const has = (key: string): key is MessageKey => key in table;
  return {
    lang,
    locale: LOCALES[lang],
    t,
    text: (value) => (value ? value[lang] : ''),
    dateTime(iso) {
      if (!iso) return '';
      const d = new Date(iso);
      if (Number.isNaN(d.getTime())) return iso;
      return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()} (${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())})`;
    },
    date(iso) {
      if (!iso) return '';
      const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
      if (Number.isNaN(d.getTime())) return iso;
      return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()}`;
    },
    error(e) {
      if (isPortalError(e)) {
        switch (e.code) {
          case 'ERR_NETWORK':
            return t('common.network');
          case 'ERR_API': {
            const p = e.problem;
            if (p?.code === 'ERR_RATE_LIMITED' && p.retryAfter)
              return t('common.retryAfter', { n: p.retryAfter });
            const key = `err.${p?.code ?? ''}`;
            if (has(key)) return t(key);
            return t('common.unexpected', { detail: p?.detail ?? p?.title ?? e.message });
          }
          case 'ERR_KEY_FILE':
            return t('err.keyFile');
          case 'ERR_KEY_FILE_PASSWORD':
            return t('err.keyFilePassword');
          case 'ERR_CERTIFICATE_FILE':
            return t('err.certificateFile');
          case 'ERR_IMAGE':
            return t('err.image');
          case 'ERR_CAMERA':
            return t('err.camera');
          case 'ERR_STORAGE':
            return t('err.storage');
          case 'ERR_KEYS_NOT_FOUND':
            return t('err.keysNotFound');
          case 'ERR_KEY_PURPOSE':
            return t(e.neededPurpose === 'sign' ? 'err.keyPurposeSign' : 'err.keyPurposeAuth');
        }
      }
      return t('common.unexpected', { detail: e instanceof Error ? e.message : String(e) });
    },
  };
}

const I18nContext = createContext<I18n>(createI18n('ru'));

/** Provides the language to the screens below. */
export function I18nProvider(props: { lang: Lang; children: ComponentChildren }) {
  const value = useMemo(() => createI18n(props.lang), [props.lang]);
  return <I18nContext.Provider value={value}>{props.children}</I18nContext.Provider>;
}

/** The current language. */
export function useI18n(): I18n {
  return useContext(I18nContext);
}
