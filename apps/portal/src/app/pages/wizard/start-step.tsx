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
import { useNcaLayer } from '../../components/use-ncalayer.js';
import { problemCode } from '../../errors.js';
import { type I18n, type Said, useI18n } from '../../i18n/i18n.js';
import { useServices } from '../../services.js';

/** What the live check says about an IIN or BIN field. */
export interface IdentifierCheck {
  /** The value cannot be sent. */
  error?: string;
  /** Test mode: sent as a test identifier although the full check fails (says what it found). */
  note?: string;
  /** The value passes the full check. */
  ok?: string;
}

/**
 * The live check of an IIN or BIN field (nothing while the user is still typing). Outside test
 * mode a wrong check digit is an error naming the right digit (`@kzpki/iin`); in test mode the CA
 * admits identifiers that fail the check digit or the date (the NCA's own test identifiers do),
 * so such a value is accepted with a note saying what the full check found.
 */
export function checkIdentifier(
  i: I18n,
  which: 'iin' | 'bin',
  value: string,
  opts: { testMode: boolean; final: boolean },
): IdentifierCheck {
  const v = value.trim();
  if (v === '')
    return opts.final ? { error: i.t(which === 'iin' ? 'start.iinRequired' : 'start.binRequired') } : {};
  if (!opts.final && /^[0-9]{0,11}$/.test(v)) return {};
  const parse = (checksum: boolean): void => {
    if (which === 'iin') parseIin(v, { checksum });
    else parseBin(v, { checksum });
  };
  try {
    parse(true);
    return { ok: i.t(which === 'iin' ? 'start.iinOk' : 'start.binOk') };
  } catch (strict) {
    const reason = strict instanceof IinError ? strict.localizedMessage(i.lang) : i.t('common.unexpected');
    if (opts.testMode) {
      try {
        parse(false);
        return { note: i.t('start.testAccepted', { reason }) };
      } catch {
        // Not even 12 digits: an error in test mode too.
      }
    }
    return { error: reason };
  }
}

/** The choices of the start screen. */
export interface StartChoice {
  kind: ApplicationKind;
  template: TemplateName;
  iin: string;
  bin: string;
}

/** Props of {@link StartStep}. */
export interface StartStepProps {
  templates: TemplateInfo[];
  camera: boolean | undefined;
  initial: StartChoice;
  /** Every change of the choices (kept with the wizard's progress). */
  onChoice: (choice: StartChoice) => void;
  onStarted: (app: Application, choice: StartChoice) => void;
  onNotInBmg: (choice: StartChoice) => void;
}

/** Registry refusals that concern one field: shown at that field. */
const FIELD_OF: Readonly<Record<string, 'iin' | 'bin'>> = {
  ERR_IIN_INVALID: 'iin',
  ERR_PERSON_NOT_FOUND: 'iin',
  ERR_NOT_FIRST_MANAGER: 'iin',
  ERR_NOT_TREASURY_PARTICIPANT: 'iin',
  ERR_BIN_INVALID: 'bin',
  ERR_ORGANIZATION_NOT_FOUND: 'bin',
};

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
  const [error, setError] = useState<Said>();
  // A registry refusal shown at its field, for the value it was given for.
  const [refusal, setRefusal] = useState<{ field: 'iin' | 'bin'; value: string; said: Said }>();
  const testMode = health?.testMode ?? false;
  const chosen: TemplateName = kind === 'individual' ? 'individual' : template;
  const iinCheck = checkIdentifier(i, 'iin', iin, { testMode, final: submitted });
  const binCheck: IdentifierCheck =
    kind === 'legal-entity' ? checkIdentifier(i, 'bin', bin, { testMode, final: submitted }) : {};
  const refused = (field: 'iin' | 'bin', value: string): string | undefined =>
    refusal && refusal.field === field && refusal.value === value ? i.say(refusal.said) : undefined;
  const iinError = iinCheck.error ?? refused('iin', iin.trim());
  const binError = binCheck.error ?? refused('bin', bin.trim());
  const title = props.templates.find((t) => t.name === chosen)?.title;
  const crypto = typeof globalThis.crypto?.subtle !== 'undefined';
  // Checked as on the NCA page; said only when it runs (the keys are made here without it).
  const ncalayer = useNcaLayer();

  const choice = (patch: Partial<StartChoice>): StartChoice => {
    const c = {
      kind,
      template: chosen,
      iin: iin.trim(),
      bin: kind === 'legal-entity' ? bin.trim() : '',
      ...patch,
    };
    props.onChoice(c);
    return c;
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    setSubmitted(true);
    setError(undefined);
    const final = { testMode, final: true };
    // Focus the first invalid field in page order (BIN comes before IIN).
    const invalid =
      kind === 'legal-entity' && checkIdentifier(i, 'bin', bin, final).error
        ? 'start-bin'
        : checkIdentifier(i, 'iin', iin, final).error
          ? 'start-iin'
          : undefined;
    if (invalid) {
      document.getElementById(invalid)?.focus();
      return;
    }
    const c = choice({});
    setBusy(true);
    try {
      const app = await ca.start({
        kind,
        template: chosen,
        iin: c.iin,
        ...(kind === 'legal-entity' ? { bin: c.bin } : {}),
      });
      props.onStarted(app, c);
    } catch (err) {
      const code = problemCode(err);
      const field = code ? FIELD_OF[code] : undefined;
      if (code === 'ERR_PHONE_NOT_REGISTERED') props.onNotInBmg(c);
      else if (field) {
        setRefusal({ field, value: field === 'iin' ? c.iin : c.bin, said: { error: err } });
        document.getElementById(field === 'iin' ? 'start-iin' : 'start-bin')?.focus();
      } else setError({ error: err });
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
                <input
                  type="radio"
                  name="kind"
                  value={k}
                  checked={kind === k}
                  onChange={() => {
                    setKind(k);
                    choice({ kind: k, template: k === 'individual' ? 'individual' : template });
                  }}
                />{' '}
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
                    onChange={() => {
                      setTemplate(t.name);
                      choice({ template: t.name });
                    }}
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
              onValue={(v) => {
                const next = v.replace(/\D/g, '').slice(0, 12);
                setBin(next);
                choice({ bin: next });
              }}
              inputMode="numeric"
              autoComplete="off"
              maxLength={12}
              required
              error={binError}
              note={binCheck.note}
              ok={binCheck.ok}
            />
          ) : null}
          <TextField
            id="start-iin"
            label={i.t('start.iin')}
            value={iin}
            onValue={(v) => {
              const next = v.replace(/\D/g, '').slice(0, 12);
              setIin(next);
              choice({ iin: next });
            }}
            inputMode="numeric"
            autoComplete="off"
            maxLength={12}
            required
            error={iinError}
            note={iinCheck.note}
            ok={iinCheck.ok}
          />
          {testMode ? <p class="hint">{i.t('start.testMode')}</p> : null}
          <ul class="checks" aria-label={i.t('start.checks')}>
            {props.camera === undefined ? null : (
              <li class={props.camera ? 'check-ok' : 'check-warn'}>
                {props.camera ? i.t('start.cameraYes') : i.t('start.cameraNo')}
              </li>
            )}
            <li class={crypto ? 'check-ok' : 'check-bad'}>
              {crypto ? i.t('start.crypto') : i.t('start.noCrypto')}
            </li>
            {ncalayer.state === 'present' ? (
              <li class="check-ok">
                {ncalayer.version
                  ? i.t('ncalayer.found', { version: ncalayer.version })
                  : i.t('ncalayer.foundNoVersion')}
              </li>
            ) : null}
          </ul>
          <ErrorMessage>{i.say(error)}</ErrorMessage>
          {busy ? <Busy>{i.t('common.loading')}</Busy> : null}
          <button
            type="submit"
            class="btn btn-primary"
            disabled={!crypto}
            aria-disabled={busy ? 'true' : undefined}
          >
            {i.t('start.submit')}
          </button>
        </form>
      </div>
      <ServiceInfo camera={props.camera} />
    </div>
  );
}

/** "Информация об услуге" box of the NCA page. */
export function ServiceInfo(props: { camera: boolean | undefined }) {
  const i = useI18n();
  return (
    <aside class="info" aria-labelledby="service-info">
      <h2 id="service-info">{i.t('info.title')}</h2>
      <p>{i.t('info.digitalId')}</p>
      <p>{i.t('info.need')}</p>
      <ul>
        <li>{i.t('info.citizen')}</li>
        <li>{i.t('info.bmg')}</li>
        <li>{i.t(props.camera === false ? 'info.cameraOptional' : 'info.camera')}</li>
        <li>{i.t('info.document')}</li>
      </ul>
    </aside>
  );
}
