/**
 * The services page of the NCA site: "Получение ключей ЭЦП", "Проверка статуса заявки",
 * "Проверка ключа ЭЦП", "Отзыв ключа ЭЦП" (in the personal cabinet).
 */
import { ScreenHeading } from '../components/heading.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages-ru.js';
import { hrefOf, type Route } from '../router.js';

const TILES: ReadonlyArray<[Route['page'], MessageKey]> = [
  ['obtain', 'nav.obtain'],
  ['status', 'nav.status'],
  ['key-check', 'nav.keyCheck'],
  ['cabinet', 'nav.revoke'],
];

/** The home page. */
export function HomePage() {
  const i = useI18n();
  return (
    <div>
      <ScreenHeading>{i.t('home.title')}</ScreenHeading>
      <p class="lead">{i.t('home.lead')}</p>
      <p>
        <a class="btn btn-primary btn-large" href={hrefOf('obtain')}>
          {i.t('home.obtain')}
        </a>
      </p>
      <ul class="tiles">
        {TILES.map(([page, key]) => (
          <li key={key}>
            <a class="tile" href={hrefOf(page)}>
              {i.t(key)}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
