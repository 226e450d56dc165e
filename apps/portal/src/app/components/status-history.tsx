/**
 * "Таблица статусов заявки": time of each status change and its text, as on the NCA status page.
 */
import type { StatusHistoryEntry } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

/** The status history table. */
export function StatusHistoryTable(props: { history: StatusHistoryEntry[] }) {
  const i = useI18n();
  return (
    <div class="table-wrap">
      <table class="status-table">
        <caption>{i.t('status.history')}</caption>
        <thead>
          <tr>
            <th scope="col">{i.t('status.time')}</th>
            <th scope="col">{i.t('status.status')}</th>
          </tr>
        </thead>
        <tbody>
          {props.history.map((h) => (
            <tr key={`${h.at}-${h.status}`} data-status={h.status}>
              <td class="nowrap">{i.dateTime(h.at)}</td>
              <td>{i.text(h.text)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
