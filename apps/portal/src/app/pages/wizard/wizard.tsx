/**
 * The remote issuance wizard ("Получение ЭЦП удаленно"): the screens of seeds 000 (individual)
 * and 001 (legal entity) in order, driven by the CA's application status.
 *
 * Progress survives a reload or a closed tab (sessionStorage, `wizard-session.ts`): on return the
 * CA is asked where the application stands and the matching screen is shown. Every screen is a
 * browser history entry, so Back goes one screen back where that screen can be shown again
 * (`reachable`), and says why not otherwise. Leaving mid-way asks first (in-app links) or lets
 * the browser warn (reload, closing the tab).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Application, TemplateInfo } from '../../api/types.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { Stepper } from '../../components/stepper.js';
import { problemCode } from '../../errors.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import type { MessageKey } from '../../i18n/messages-ru.js';
import { hasCamera } from '../../media/camera.js';
import { navigate, setLeaveGuard } from '../../router.js';
import { useServices } from '../../services.js';
import { deleteKeys, keysById } from '../../storage/key-vault.js';
import { clearWizard, loadWizard, saveWizard } from '../../storage/wizard-session.js';
import { AgreementStep } from './agreement-step.js';
import { ApplicationFormStep } from './application-form-step.js';
import { ConfirmDocumentStep } from './confirm-document-step.js';
import { ConsentStep } from './consent-step.js';
import { DigitalIdPhoneStep } from './digital-id-phone-step.js';
import { DigitalIdStep } from './digital-id-step.js';
import { ModerationStep } from './moderation-step.js';
import { NotInBmgStep } from './not-in-bmg-step.js';
import { otpDeadlines } from './otp-deadlines.js';
import { OtpStep } from './otp-step.js';
import { StartStep } from './start-step.js';
import { SubmittedStep } from './submitted-step.js';
import {
  inProgress,
  placeForStatus,
  reachable,
  stageOf,
  type WizardData,
  type WizardPlace,
} from './wizard-state.js';

const INITIAL: WizardData = { kind: 'individual', template: 'individual', iin: '', bin: '' };
const START: WizardPlace = { step: 'start' };

/** The screen names said when Back cannot return to them. */
const STEP_NAMES: Readonly<Record<WizardPlace['step'], MessageKey>> = {
  start: 'wstep.start',
  otp: 'wstep.otp',
  'not-in-bmg': 'wstep.not-in-bmg',
  'digital-id-phone': 'wstep.digital-id-phone',
  'digital-id': 'wstep.digital-id',
  'confirm-document': 'wstep.confirm-document',
  moderation: 'wstep.moderation',
  consent: 'wstep.consent',
  agreement: 'wstep.agreement',
  'application-form': 'wstep.application-form',
  submitted: 'wstep.submitted',
};

/** The history entry of a wizard screen. */
interface HistoryState {
  kzpkiWizard: WizardPlace;
}

function placeOfHistory(state: unknown): WizardPlace | undefined {
  const p = (state as Partial<HistoryState> | null)?.kzpkiWizard;
  return p && typeof p.step === 'string' ? p : undefined;
}

function samePlace(a: WizardPlace, b: WizardPlace): boolean {
  return a.step === b.step && (a.sub ?? 'intro') === (b.sub ?? 'intro');
}

/** The wizard. */
export function Wizard() {
  const i = useI18n();
  const { ca } = useServices();
  const [templates, setTemplates] = useState<TemplateInfo[]>();
  const [camera, setCamera] = useState<boolean>();
  const [loadError, setLoadError] = useState<Said>();
  const saved = useRef(loadWizard());
  const [place, setPlace] = useState<WizardPlace>(saved.current?.place ?? START);
  const [data, setData] = useState<WizardData>(
    saved.current ? { ...INITIAL, ...saved.current.data } : INITIAL,
  );
  // Continuing a saved application: the CA is asked first.
  const [resuming, setResuming] = useState(saved.current?.data.app !== undefined);
  const [notice, setNotice] = useState<Said>();
  const [confirmRestart, setConfirmRestart] = useState(false);
  const current = useRef({ place, data });
  current.current = { place, data };

  const update = (patch: Partial<WizardData>): void => setData((d) => ({ ...d, ...patch }));

  /** Moves forward to a screen: a new history entry, so Back returns here. */
  const go = (next: WizardPlace, patch?: Partial<WizardData>): void => {
    if (patch) update(patch);
    setNotice(undefined);
    setPlace(next);
    history.pushState({ ...(history.state ?? {}), kzpkiWizard: next } satisfies HistoryState, '');
  };

  /** Drops the application this tab was working on and shows the start screen. */
  const abandon = (message?: Said): void => {
    const { data: d } = current.current;
    // Keys made for an application that was never submitted serve nothing any more.
    if (d.app && placeForStatus(d.app.status, false)?.step !== 'submitted')
      void deleteKeys(d.app.id).catch(() => undefined);
    clearWizard();
    setData((prev) => ({
      ...INITIAL,
      kind: prev.kind,
      template: prev.template,
      iin: prev.iin,
      bin: prev.bin,
    }));
    setPlace(START);
    history.replaceState({ ...(history.state ?? {}), kzpkiWizard: START } satisfies HistoryState, '');
    setNotice(message);
  };

  useEffect(() => {
    ca.templates()
      .then(setTemplates)
      .catch((e: unknown) => setLoadError({ error: e }));
    void hasCamera().then(setCamera);
  }, []);

  // Continue a saved application from what the CA says about it now.
  useEffect(() => {
    const s = saved.current;
    if (!s?.data.app) return;
    const app = s.data.app;
    const auth = s.data.auth;
    const resume = async (): Promise<void> => {
      if (!auth) {
        // Before the one-time code there is no session: the saved OTP screen (or start) stands.
        setResuming(false);
        return;
      }
      try {
        const fresh = await ca.getApplication(app.id, auth.token);
        const target = placeForStatus(fresh.status, s.data.recognized !== undefined);
        if (!target) {
          abandon({ key: 'wizard.expired' });
          return;
        }
        const entry =
          target.step === 'submitted' ? await keysById(fresh.id).catch(() => undefined) : undefined;
        setData((d) => ({ ...d, app: fresh, ...(entry ? { entry } : {}) }));
        setPlace(target);
        history.replaceState({ ...(history.state ?? {}), kzpkiWizard: target } satisfies HistoryState, '');
        if (target.step !== 'start')
          setNotice({ key: 'wizard.resumed', params: { step: { key: STEP_NAMES[target.step] } } });
      } catch (e) {
        const code = problemCode(e);
        if (code === 'ERR_UNAUTHORIZED' || code === 'ERR_NOT_FOUND' || code === 'ERR_APPLICATION_EXPIRED')
          abandon({ key: 'wizard.expired' });
        else setLoadError({ error: e });
      } finally {
        setResuming(false);
      }
    };
    void resume();
  }, []);

  // This screen is the current history entry (a reload keeps it; the first visit creates it).
  useEffect(() => {
    if (!placeOfHistory(history.state))
      history.replaceState({ ...(history.state ?? {}), kzpkiWizard: place } satisfies HistoryState, '');
  }, []);

  // Back and Forward: show the screen of that entry if it can be shown now, else say why not.
  useEffect(() => {
    const onPop = (e: PopStateEvent): void => {
      const target = placeOfHistory(e.state);
      if (!target) return;
      const now = current.current;
      if (samePlace(target, now.place)) return;
      if (reachable(target, now.data)) {
        setPlace(target);
        setNotice(undefined);
      } else {
        // Keep this screen as the entry the browser is on, so a further Back goes on backwards.
        history.replaceState({ ...(history.state ?? {}), kzpkiWizard: now.place } satisfies HistoryState, '');
        setNotice({ key: 'wizard.backBlocked', params: { step: { key: STEP_NAMES[target.step] } } });
      }
    };
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [i.lang]);

  // Keep the progress for this tab.
  useEffect(() => {
    if (!resuming) saveWizard({ place, data });
    document.documentElement.dataset.wizardStep = place.step;
    return () => {
      delete document.documentElement.dataset.wizardStep;
    };
  }, [place, data, resuming]);

  // Ask before leaving mid-way: the browser's own warning for reloads and closing the tab, the
  // shell's dialog for links inside the portal.
  useEffect(() => {
    const busy = (): boolean => inProgress(current.current.place, current.current.data);
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      if (!busy()) return;
      e.preventDefault();
      e.returnValue = '';
    };
    addEventListener('beforeunload', onBeforeUnload);
    const removeGuard = setLeaveGuard(busy);
    return () => {
      removeEventListener('beforeunload', onBeforeUnload);
      removeGuard();
    };
  }, []);

  /** A new application for the same choices (after registering the phone, after a rejection...). */
  const restart = (): void => {
    const d = current.current.data;
    clearWizard();
    setData({ ...INITIAL, kind: d.kind, template: d.template, iin: d.iin, bin: d.bin });
    go(START);
  };

  const onApp = (app: Application): void => update({ app });
  const withClock = (app: Application): Partial<WizardData> => {
    // The code being waited for: Digital ID's once it was sent, else the first one.
    const clock = otpDeadlines(app, Date.now(), app.digitalIdOtp ?? app.otp);
    return { app, otpClock: { expiresAt: clock.expiresAt, resendAt: clock.resendAt } };
  };

  let screen: ComponentChildren;
  const { app, auth } = data;
  const step = place.step;
  if (!templates || resuming) {
    screen = loadError ? (
      <ErrorMessage>{i.say(loadError)}</ErrorMessage>
    ) : (
      <Busy>{i.t('common.loading')}</Busy>
    );
  } else if (step === 'not-in-bmg') {
    screen = <NotInBmgStep iin={data.iin} reason={data.bmgReason ?? 'not-registered'} onRestart={restart} />;
  } else if (step === 'start' || !app) {
    screen = (
      <StartStep
        templates={templates}
        camera={camera}
        initial={data}
        onChoice={(choice) => update(choice)}
        onStarted={(started, choice) => go({ step: 'otp' }, { ...choice, ...withClock(started) })}
        onNotInBmg={(choice) => go({ step: 'not-in-bmg' }, { ...choice, bmgReason: 'not-registered' })}
      />
    );
  } else if (step === 'otp') {
    screen = (
      <OtpStep
        app={app}
        clock={data.otpClock ?? withClock(app).otpClock!}
        onApp={(a) => update(withClock(a))}
        onVerified={(s) =>
          go(
            { step: 'digital-id-phone' },
            { app: s.application, auth: { token: s.token, expiresAt: s.expiresAt }, otpClock: undefined },
          )
        }
        onNotReceived={() => go({ step: 'not-in-bmg' }, { bmgReason: 'no-code' })}
      />
    );
  } else if (!auth) {
    screen = <ErrorMessage>{i.t('err.ERR_UNAUTHORIZED')}</ErrorMessage>;
  } else if (step === 'digital-id-phone') {
    screen = (
      <DigitalIdPhoneStep
        app={app}
        token={auth.token}
        {...(data.didPhone !== undefined ? { phone: data.didPhone } : {})}
        {...(data.otpClock && app.digitalIdOtp ? { clock: data.otpClock } : {})}
        onCodeSent={(a, phone) => update({ ...withClock(a), didPhone: phone })}
        onVerified={(a) => go({ step: 'digital-id', sub: 'intro' }, { app: a, otpClock: undefined })}
      />
    );
  } else if (step === 'digital-id') {
    screen = (
      <DigitalIdStep
        app={app}
        token={auth.token}
        camera={camera ?? false}
        screen={place.sub ?? 'intro'}
        data={data.did ?? {}}
        onData={(did) => update({ did: { ...data.did, ...did } })}
        onScreen={(sub) => go({ step: 'digital-id', sub })}
        onRecognized={(r) =>
          go({ step: 'confirm-document' }, { app: r.application, recognized: r.recognizedDocument })
        }
      />
    );
  } else if (step === 'confirm-document' && data.recognized) {
    screen = (
      <ConfirmDocumentStep
        app={app}
        token={auth.token}
        doc={data.recognized}
        onConfirmed={(a) => go({ step: a.status === 'identified' ? 'consent' : 'moderation' }, { app: a })}
      />
    );
  } else if (step === 'moderation') {
    screen = (
      <ModerationStep
        app={app}
        token={auth.token}
        onApp={onApp}
        onIdentified={(a) => go({ step: 'consent' }, { app: a })}
        onRestart={restart}
      />
    );
  } else if (step === 'consent') {
    screen = (
      <ConsentStep
        app={app}
        token={auth.token}
        onConsent={(a) => go({ step: 'agreement' }, { app: a })}
        onRestart={restart}
      />
    );
  } else if (step === 'agreement') {
    screen = (
      <AgreementStep
        app={app}
        token={auth.token}
        onAccepted={(a) => go({ step: 'application-form' }, { app: a })}
        onLeave={() => navigate('#/')}
      />
    );
  } else if (step === 'application-form') {
    screen = (
      <ApplicationFormStep
        app={app}
        auth={auth}
        onSubmitted={(a, entry) => go({ step: 'submitted' }, { app: a, entry })}
      />
    );
  } else if (step === 'submitted') {
    screen = (
      <SubmittedStep
        app={app}
        {...(data.entry ? { entry: data.entry } : {})}
        onApp={onApp}
        onNew={() => {
          clearWizard();
          setData(INITIAL);
          go(START);
        }}
      />
    );
  } else {
    // A screen whose data this tab no longer has (e.g. the recognised document): start again.
    screen = <ErrorMessage>{i.t('wizard.expired')}</ErrorMessage>;
  }

  const midway = app !== undefined && step !== 'submitted' && step !== 'start' && !resuming;
  return (
    <div class="wizard">
      <Stepper current={stageOf(step)} />
      <StatusMessage kind="info">{i.say(notice)}</StatusMessage>
      {screen}
      {midway ? (
        <p class="restart">
          <button type="button" class="link" onClick={() => setConfirmRestart(true)}>
            {i.t('wizard.restart')}
          </button>
        </p>
      ) : null}
      {confirmRestart ? (
        <ConfirmDialog
          id="restart-dialog"
          title={i.t('wizard.restartTitle')}
          confirmLabel={i.t('wizard.restartConfirm')}
          cancelLabel={i.t('common.cancel')}
          onCancel={() => setConfirmRestart(false)}
          onConfirm={() => {
            setConfirmRestart(false);
            abandon();
          }}
        >
          <p>{i.t('wizard.restartText')}</p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
