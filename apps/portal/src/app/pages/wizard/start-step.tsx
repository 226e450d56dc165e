/**
 * Step 1 (seeds 000/001 items 2-3): who the service is for (individual / legal entity and its
 * template), BIN and IIN with live validation, the camera and key-generation checks, then
 * "Отправить запрос" starts the application and the CA sends the one-time code.
 */
import { IinError, parseBin, parseIin } from '@kzpki/iin';
import { useState } from 'preact/hooks';
import type { Application, ApplicationKind, TemplateInfo, TemplateName } from '../../api/types.js';
import { TextField } from '../../components/field.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage } from '../../components/messages.js';
import { problemCode } from '../../errors.js';
import { type I18n, useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';

/** Live validation message of an IIN or BIN field (`undefined` while still typing). */
export function identifierError(
  i: I18n,
  which: 'iin' | 'bin',
  value: string,
  opts: { checksum: boolean; final: boolean },
): string | undefined {
  const v = value.trim();
  if (v === '') return opts.final ? i.t('common.required') : undefined;
  if (!opts.final && /^[0-9]{0,11}$/.test(v)) return undefined;
  try {
    if (which === 'iin') parseIin(v, { checksum: opts.checksum });
    else parseBin(v, { checksum: opts.checksum });
    return undefined;
  } catch (e) {
    return e instanceof IinError ? e.localizedMessage(i.lang) : String(e);
  }
}

/** Props of {@link StartStep}. */
export interface StartStepProps {
  templates: TemplateInfo[];
  camera: boolean | undefined;
  initial: { kind: ApplicationKind; template: TemplateName; iin: string; bin: string };
  onStarted: (
    app: Application,
    choice: { kind: ApplicationKind; template: TemplateName; iin: string; bin: string },
  ) => void;
  onNotInBmg: (choice: { kind: ApplicationKind; template: TemplateName; iin: string; bin: string }) => void;
}

/** The start screen. */
export function StartStep(props: StartStepProps) {
  const i = useI18n();
  const { ca, health } = useServices();
  const [kind, setKind] = useState<ApplicationKind>(props.initial.kind);
  const legalTemplates = props.templates.filter((t) => t.kind === 'legal-entity');
  const [template, setTemplate] = useState<TemplateName>(
    props.initial.kind === 'legal-entity'
      ? props.initial.template
      : (legalTemplates[0]?.name ?? 'first-manager'),
  );
  const [iin, setIin] = useState(props.initial.iin);
  const [bin, setBin] = useState(props.initial.bin);
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const checksum = !(health?.testMode ?? false);
  const chosen: TemplateName = kind === 'individual' ? 'individual' : template;
  const iinError = identifierError(i, 'iin', iin, { checksum, final: submitted });
  const binError =
    kind === 'legal-entity' ? identifierError(i, 'bin', bin, { checksum, final: submitted }) : undefined;
  const iinOk = !iinError && /^[0-9]{12}$/.test(iin.trim()) ? i.t('start.iinOk') : undefined;
  const binOk = !binError && /^[0-9]{12}$/.test(bin.trim()) ? i.t('start.binOk') : undefined;
  const title = props.templates.find((t) => t.name === chosen)?.title;
  const crypto = typeof globalThis.crypto?.subtle !== 'undefined';

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setSubmitted(true);
    setError(undefined);
    const final = { checksum, final: true };
    // Focus the first invalid field in page order (BIN comes before IIN).
    const invalid =
      kind === 'legal-entity' && identifierError(i, 'bin', bin, final)
        ? 'start-bin'
        : identifierError(i, 'iin', iin, final)
          ? 'start-iin'
          : undefined;
    if (invalid) {
      document.getElementById(invalid)?.focus();
      return;
    }
    const choice = {
      kind,
      template: chosen,
      iin: iin.trim(),
      bin: kind === 'legal-entity' ? bin.trim() : '',
    };
    setBusy(true);
    try {
      const app = await ca.start({
        kind,
        template: chosen,
        iin: choice.iin,
        ...(kind === 'legal-entity' ? { bin: choice.bin } : {}),
      });
      props.onStarted(app, choice);
    } catch (err) {
      if (problemCode(err) === 'ERR_PHONE_NOT_REGISTERED') props.onNotInBmg(choice);
      else setError(i.error(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="two-col">
      <div>
        <ScreenHeading>{i.t('start.title')}</ScreenHeading>
        <form onSubmit={submit} noValidate>
          <fieldset class="choice">
            <legend>
              {i.t('start.who')}
              <span class="req" aria-hidden="true">
                {' '}
                *
              </span>
            </legend>
            {(['legal-entity', 'individual'] as const).map((k) => (
              <label class="check" key={k}>
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />{' '}
                {i.t(`kind.${k}`)}
              </label>
            ))}
          </fieldset>
          {kind === 'legal-entity' ? (
            <fieldset class="choice">
              <legend>
                {i.t('start.templates')}
                <span class="req" aria-hidden="true">
                  {' '}
                  *
                </span>
              </legend>
              {legalTemplates.map((t) => (
                <label class="check" key={t.name}>
                  <input
                    type="radio"
                    name="template"
                    value={t.name}
                    checked={template === t.name}
                    onChange={() => setTemplate(t.name)}
                  />{' '}
                  {i.text(t.title)}
                </label>
              ))}
            </fieldset>
          ) : null}
          <p class="applying-by">
            {kind === 'individual'
              ? i.t('start.applyingIndividual')
              : i.t('start.applyingBy', { kind: i.t('kind.legal-entity'), template: i.text(title) })}
          </p>
          {kind === 'legal-entity' ? (
            <TextField
              id="start-bin"
              label={i.t('start.bin')}
              value={bin}
              onValue={(v) => setBin(v.replace(/\D/g, '').slice(0, 12))}
              inputMode="numeric"
              autoComplete="off"
              maxLength={12}
              required
              error={binError}
              ok={binOk}
            />
          ) : null}
          <TextField
            id="start-iin"
            label={i.t('start.iin')}
            value={iin}
            onValue={(v) => setIin(v.replace(/\D/g, '').slice(0, 12))}
            inputMode="numeric"
            autoComplete="off"
            maxLength={12}
            required
            error={iinError}
            ok={iinOk}
          />
          {health?.testMode ? <p class="hint">{i.t('start.testMode')}</p> : null}
          <ul class="checks" aria-label={i.t('info.need')}>
            {props.camera === undefined ? null : (
              <li class={props.camera ? 'check-ok' : 'check-warn'}>
                {props.camera ? i.t('start.cameraYes') : i.t('start.cameraNo')}
              </li>
            )}
            <li class={crypto ? 'check-ok' : 'check-bad'}>
              {crypto ? i.t('start.crypto') : i.t('start.noCrypto')}
            </li>
          </ul>
          <ErrorMessage>{error}</ErrorMessage>
          {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
          <button type="submit" class="btn btn-primary" disabled={busy || !crypto}>
            {i.t('start.submit')}
          </button>
        </form>
      </div>
      <ServiceInfo />
    </div>
  );
}

/** "Информация об услуге" box of the NCA page. */
export function ServiceInfo() {
  const i = useI18n();
  return (
    <aside class="info" aria-labelledby="service-info">
      <h2 id="service-info">{i.t('info.title')}</h2>
      <p>{i.t('info.digitalId')}</p>
      <p>{i.t('info.need')}</p>
      <ul>
        <li>{i.t('info.citizen')}</li>
        <li>{i.t('info.bmg')}</li>
        <li>{i.t('info.camera')}</li>
        <li>{i.t('info.document')}</li>
      </ul>
    </aside>
  );
}
