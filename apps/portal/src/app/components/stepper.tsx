/**
 * The four stages of the NCA issuance page ("Шаг 1 … Шаг 4"), the current one marked with
 * `aria-current="step"`.
 */
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages-ru.js';

const STAGES: readonly MessageKey[] = ['steps.check', 'steps.identify', 'steps.apply', 'steps.install'];

/** Stage indicator; `current` is 1-based. */
export function Stepper(props: { current: 1 | 2 | 3 | 4 }) {
  const { t } = useI18n();
  return (
    <ol class="stepper" aria-label={t('common.stepOf', { n: props.current, total: STAGES.length })}>
      {STAGES.map((key, i) => {
        const n = i + 1;
        const state = n < props.current ? 'done' : n === props.current ? 'current' : 'todo';
        return (
          <li
            key={key}
            class={`stage stage-${state}`}
            aria-current={n === props.current ? 'step' : undefined}
          >
            <span class="stage-n" aria-hidden="true">
              {n}
            </span>
            <span class="stage-text">{t(key)}</span>
          </li>
        );
      })}
    </ol>
  );
}
