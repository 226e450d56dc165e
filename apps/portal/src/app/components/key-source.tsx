/**
 * Where the user's key is, when NCALayer runs on this computer: in NCALayer (the person picks the
 * key file in NCALayer's window) or a key file opened in this browser. Without NCALayer only the
 * key file is offered and nothing is shown.
 */
import { useI18n } from '../i18n/i18n.js';
import type { NcaLayerState } from './use-ncalayer.js';

/** The two places a key can be. */
export type KeySource = 'ncalayer' | 'file';

/** The choice (rendered only when NCALayer is present). */
export function KeySourceChoice(props: {
  name: string;
  value: KeySource;
  onChange: (source: KeySource) => void;
  ncalayer: NcaLayerState;
}) {
  const i = useI18n();
  if (props.ncalayer.state !== 'present') return null;
  return (
    <fieldset class="choice">
      <legend>{i.t('ncalayer.where')}</legend>
      <p class="hint">
        {props.ncalayer.version
          ? i.t('ncalayer.found', { version: props.ncalayer.version })
          : i.t('ncalayer.foundNoVersion')}
      </p>
      {(['ncalayer', 'file'] as const).map((source) => (
        <label class="check" key={source}>
          <input
            type="radio"
            name={props.name}
            value={source}
            checked={props.value === source}
            onChange={() => props.onChange(source)}
          />{' '}
          {i.t(source === 'ncalayer' ? 'ncalayer.inNcalayer' : 'ncalayer.file')}
        </label>
      ))}
    </fieldset>
  );
}
