/**
 * The portal shell: skip link, header with the (clearly non-NCA) name, language switcher and
 * navigation (a "Menu" button on phones), the page of the current route, and the footer. In-app
 * links ask before leaving a half-finished application.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ConfirmDialog } from './components/confirm-dialog.js';
import { I18nProvider, LANGS, type Lang, useI18n } from './i18n/i18n.js';
import type { MessageKey } from './i18n/messages-ru.js';
import { CabinetPage } from './pages/cabinet-page.js';
import { HomePage } from './pages/home-page.js';
import { KeyCheckPage } from './pages/key-check-page.js';
import { OperatorPage } from './pages/operator-page.js';
import { StatusPage } from './pages/status-page.js';
import { Wizard } from './pages/wizard/wizard.js';
import { hrefOf, LEAVE_REQUEST_EVENT, leaveGuarded, parseRoute, type Route, useRoute } from './router.js';

const LANG_KEY = 'kzpki-portal-lang';
const LANG_LABELS: Readonly<Record<Lang, string>> = { kk: 'ҚАЗ', ru: 'РУС', en: 'ENG' };
const LANG_NAMES: Readonly<Record<Lang, string>> = { kk: 'Қазақша', ru: 'Русский', en: 'English' };

/** The language to start with: the saved choice, else the browser's, else Russian. */
export function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY);
    if (saved === 'ru' || saved === 'kk' || saved === 'en') return saved;
  } catch {
    // Storage may be disabled; fall through.
  }
  const nav = (typeof navigator === 'undefined' ? '' : navigator.language).toLowerCase();
  if (nav.startsWith('kk')) return 'kk';
  if (nav.startsWith('en')) return 'en';
  return 'ru';
}

const NAV: ReadonlyArray<[Route['page'], MessageKey]> = [
  ['home', 'nav.home'],
  ['obtain', 'nav.obtain'],
  ['status', 'nav.status'],
  ['key-check', 'nav.keyCheck'],
  ['cabinet', 'nav.cabinet'],
  ['operator', 'nav.operator'],
];

/** Asks before in-app navigation leaves a guarded screen (links and `navigate()`). */
function useLeaveConfirmation(current: Route['page']): [string | undefined, (href?: string) => void] {
  const [pending, setPending] = useState<string>();
  useEffect(() => {
    const onClick = (e: MouseEvent): void => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.('a[href^="#/"]');
      if (!a || a.hasAttribute('download')) return;
      const href = a.getAttribute('href') ?? '';
      if (parseRoute(href).page === current || !leaveGuarded()) return;
      e.preventDefault();
      setPending(href);
    };
    const onRequest = (e: Event): void => setPending((e as CustomEvent<string>).detail);
    document.addEventListener('click', onClick, true);
    addEventListener(LEAVE_REQUEST_EVENT, onRequest);
    return () => {
      document.removeEventListener('click', onClick, true);
      removeEventListener(LEAVE_REQUEST_EVENT, onRequest);
    };
  }, [current]);
  return [pending, setPending];
}

function Shell(props: { lang: Lang; onLang: (lang: Lang) => void }) {
  const i = useI18n();
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const [pendingLeave, setPendingLeave] = useLeaveConfirmation(route.page);
  useEffect(() => {
    document.title = `${i.t(NAV.find(([p]) => p === route.page)?.[1] ?? 'nav.home')} — ${i.t('app.name')}`;
    setMenuOpen(false);
  }, [route.page, i.lang]);
  let page: ComponentChildren;
  switch (route.page) {
    case 'obtain':
      page = <Wizard />;
      break;
    case 'status':
      page = <StatusPage {...(route.number ? { initialNumber: route.number } : {})} />;
      break;
    case 'key-check':
      page = <KeyCheckPage />;
      break;
    case 'cabinet':
      page = <CabinetPage />;
      break;
    case 'operator':
      page = <OperatorPage />;
      break;
    default:
      page = <HomePage />;
  }
  return (
    <>
      <a class="skip" href="#main">
        {i.t('app.skip')}
      </a>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the phone menu from anywhere in the header */}
      <header
        class="site-header"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && menuOpen) {
            setMenuOpen(false);
            (document.querySelector('.menu-toggle') as HTMLElement | null)?.focus();
          }
        }}
      >
        <div class="brand">
          <a href={hrefOf('home')} class="brand-name">
            {i.t('app.name')}
          </a>
          <span class="brand-note">{i.t('app.notReal')}</span>
        </div>
        <div class="header-tools">
          <fieldset class="langs">
            <legend class="sr-only">{i.t('app.lang')}</legend>
            {LANGS.map((l) => (
              <button
                key={l}
                type="button"
                class="lang"
                lang={l}
                aria-pressed={props.lang === l ? 'true' : 'false'}
                onClick={() => props.onLang(l)}
              >
                {/* The name read out starts with the visible text (WCAG 2.5.3, label in name). */}
                {LANG_LABELS[l]}
                <span class="sr-only"> ({LANG_NAMES[l]})</span>
              </button>
            ))}
          </fieldset>
          <button
            type="button"
            class="menu-toggle"
            aria-expanded={menuOpen ? 'true' : 'false'}
            aria-controls="site-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            <span aria-hidden="true">☰ </span>
            {i.t('app.menuButton')}
          </button>
        </div>
        <nav id="site-nav" aria-label={i.t('app.menu')} class={`site-nav${menuOpen ? ' site-nav-open' : ''}`}>
          <ul>
            {NAV.map(([p, key]) => (
              <li key={p}>
                <a href={hrefOf(p)} aria-current={route.page === p ? 'page' : undefined}>
                  {i.t(key)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      {/* A new key remounts the page on navigation, so its heading takes focus. */}
      <main id="main" tabIndex={-1} key={route.page}>
        {page}
      </main>
      <footer class="site-footer">
        <p>{i.t('app.footer')}</p>
        <p>{i.t('app.notReal')}</p>
      </footer>
      {pendingLeave ? (
        <ConfirmDialog
          id="leave-dialog"
          title={i.t('leave.title')}
          confirmLabel={i.t('leave.confirm')}
          cancelLabel={i.t('leave.stay')}
          tone="primary"
          onCancel={() => setPendingLeave(undefined)}
          onConfirm={() => {
            const href = pendingLeave;
            setPendingLeave(undefined);
            location.hash = href;
          }}
        >
          <p>{i.t('leave.text')}</p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

/** The portal. */
export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  useEffect(() => {
    document.documentElement.lang = lang;
    try {
      localStorage.setItem(LANG_KEY, lang);
    } catch {
      // Not persisted; the choice still applies to this page.
    }
  }, [lang]);
  return (
    <I18nProvider lang={lang}>
      <Shell lang={lang} onLang={setLang} />
    </I18nProvider>
  );
}
