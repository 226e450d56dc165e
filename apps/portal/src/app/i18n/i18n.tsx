/**
 * Language of the portal (ru / kk / en): the message tables, `t()` with `{name}` placeholders,
 * dates in the local time zone, and the localized text of any error the screens show.
 */
import { type ComponentChildren, createContext } from 'preact';
import { useContext, useMemo } from 'preact/hooks';
import type { LocalizedText } from '../api/types.js';
import { isPortalError } from '../errors.js';
import type { ApiErrorKey } from './api-errors.js';
import { en } from './messages-en.js';
import { kk } from './messages-kk.js';
import { type MessageKey, ru } from './messages-ru.js';

/** Languages of the portal. */
export type Lang = 'ru' | 'kk' | 'en';

/** Every language, in the order of the switcher. */
export const LANGS: readonly Lang[] = ['kk', 'ru', 'en'];

/** The message tables. */
export const MESSAGES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { ru, kk, en };

/** Fails to compile unless `T` has a message for every API error code. */
type HasEveryApiError<T extends Readonly<Record<ApiErrorKey, string>>> = T;
/** The Russian table (and so, by their type, the others) has a message for every API error code. */
export type RussianTableIsComplete = HasEveryApiError<typeof ru>;

/** BCP 47 tags for `Intl` and `<html lang>`. */
const LOCALES: Readonly<Record<Lang, string>> = { ru: 'ru-RU', kk: 'kk-KZ', en: 'en-GB' };

/** Fills `{name}` placeholders. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/**
 * Something a screen says, kept as what it means (a message and its parameters, or an error) and
 * put into words when shown, so it follows a change of language.
 */
export type Said =
  | { key: MessageKey; params?: Readonly<Record<string, string | number | Said>> }
  | { error: unknown }
  | { all: readonly Said[] };

/** What screens use to speak the user's language. */
export interface I18n {
  lang: Lang;
  locale: string;
  /** A message with placeholders filled. */
  t(key: MessageKey, params?: Record<string, string | number>): string;
  /** The words of something said (`undefined` stays `undefined`). */
  say(said: Said | undefined): string | undefined;
  /** The current language's variant of a server text. */
  text(value: LocalizedText | undefined): string;
  /** Date and time, e.g. `04.04.2020 (22:56:23)` as on the NCA status page. */
  dateTime(iso: string | undefined): string;
  /** Date only. */
  date(iso: string | undefined): string;

  /**
   * The message to show for an error: always our own text in this language, chosen by the
   * error's code (never a server's or a library's English `detail`).
   */
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
  const self: I18n = {
    lang,
    locale: LOCALES[lang],
    t,
    say(said) {
      if (said === undefined) return undefined;
      if ('key' in said) {
        const params: Record<string, string | number> = {};
        for (const [k, v] of Object.entries(said.params ?? {}))
          params[k] = typeof v === 'object' ? (self.say(v) ?? '') : v;
        return t(said.key, params);
      }
      if ('error' in said) return self.error(said.error);
      return said.all.map((x) => self.say(x)).join(' ');
    },
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
            const code = p?.code ?? '';
            if (p?.retryAfter && (code === 'ERR_RATE_LIMITED' || code === 'ERR_OTP_RESEND_TOO_EARLY'))
              return t(code === 'ERR_RATE_LIMITED' ? 'common.retryAfter' : 'otp.resendLater', {
                n: p.retryAfter,
              });
            const key = `err.${code}`;
            if (has(key)) return t(key);
            // A code this build does not know (a newer server): say what kind of failure it is.
            console.warn('[portal] no message for API error', code, p?.status);
            return t((p?.status ?? 500) >= 500 ? 'common.serverError' : 'common.unexpected');
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
          case 'ERR_NCALAYER':
            switch (e.ncalayerCode) {
              case 'ERR_USER_CANCELLED':
                return t('err.ncalayerCancelled');
              case 'ERR_NCALAYER_UNAVAILABLE':
              case 'ERR_CONNECTION_LOST':
              case 'ERR_TIMEOUT':
                return t('err.ncalayerUnavailable');
              default:
                return t('err.ncalayer');
            }
        }
      }
      // Anything else is a bug or a browser failure: our generic text, the details to the console.
      console.error('[portal]', e);
      return t('common.unexpected');
    },
  };
  return self;
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
