/**
 * The remote issuance wizard ("Получение ЭЦП удаленно"): the screens of seeds 000 (individual)
 * and 001 (legal entity) in order, driven by the CA's application status.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { TemplateInfo } from '../../api/types.js';
import { Busy, ErrorMessage } from '../../components/messages.js';
import { Stepper } from '../../components/stepper.js';
import { useI18n } from '../../i18n/i18n.js';
import { hasCamera } from '../../media/camera.js';
import { useServices } from '../../services.js';
import { AgreementStep } from './agreement-step.js';
import { ApplicationFormStep } from './application-form-step.js';
import { ConfirmDocumentStep } from './confirm-document-step.js';
import { ConsentStep } from './consent-step.js';
import { DigitalIdStep } from './digital-id-step.js';
import { ModerationStep } from './moderation-step.js';
import { NotInBmgStep } from './not-in-bmg-step.js';
import { OtpStep } from './otp-step.js';
import { StartStep } from './start-step.js';
import { SubmittedStep } from './submitted-step.js';
import { stageOf, type WizardData, type WizardStep } from './wizard-state.js';

const INITIAL: WizardData = { kind: 'individual', template: 'individual', iin: '', bin: '' };

/** The wizard. */
export function Wizard(props: { onHome: () => void }) {
  const i = useI18n();
  const { ca } = useServices();
  const [templates, setTemplates] = useState<TemplateInfo[]>();
  const [camera, setCamera] = useState<boolean>();
  const [loadError, setLoadError] = useState<string>();
  const [step, setStep] = useState<WizardStep>('start');
  const [data, setData] = useState<WizardData>(INITIAL);
  const update = (patch: Partial<WizardData>): void => setData((d) => ({ ...d, ...patch }));

  useEffect(() => {
    ca.templates()
      .then(setTemplates)
      .catch((e: unknown) => setLoadError(i.error(e)));
    void hasCamera().then(setCamera);
  }, []);

  useEffect(() => {
    document.documentElement.dataset.wizardStep = step;
    return () => {
      delete document.documentElement.dataset.wizardStep;
    };
  }, [step]);

  const restart = (): void => {
    setData((d) => ({ ...INITIAL, kind: d.kind, template: d.template, iin: d.iin, bin: d.bin }));
    setStep('start');
  };

  let screen: ComponentChildren;
  const { app, auth } = data;
  if (!templates) {
    screen = loadError ? <ErrorMessage>{loadError}</ErrorMessage> : <Busy>{i.t('common.loading')}</Busy>;
  } else if (step === 'start' || !app) {
    screen = (
      <StartStep
        templates={templates}
        camera={camera}
        initial={data}
        onStarted={(started, choice) => {
          update({ ...choice, app: started });
          setStep('otp');
        }}
        onNotInBmg={(choice) => {
          update(choice);
          setStep('not-in-bmg');
        }}
      />
    );
    if (step === 'not-in-bmg') screen = <NotInBmgStep iin={data.iin} onRestart={restart} />;
  } else if (step === 'otp') {
    screen = (
      <OtpStep
        app={app}
        onApp={(a) => update({ app: a })}
        onVerified={(s) => {
          update({ app: s.application, auth: { token: s.token, expiresAt: s.expiresAt } });
          setStep('digital-id');
        }}
        onNotReceived={() => setStep('not-in-bmg')}
      />
    );
  } else if (step === 'not-in-bmg') {
    screen = <NotInBmgStep iin={data.iin} onRestart={restart} />;
  } else if (!auth) {
    screen = <ErrorMessage>{i.t('err.ERR_UNAUTHORIZED')}</ErrorMessage>;
  } else if (step === 'digital-id') {
    screen = (
      <DigitalIdStep
        app={app}
        token={auth.token}
        camera={camera ?? false}
        onRecognized={(r) => {
          update({ app: r.application, recognized: r.recognizedDocument });
          setStep('confirm-document');
        }}
      />
    );
  } else if (step === 'confirm-document' && data.recognized) {
    screen = (
      <ConfirmDocumentStep
        app={app}
        token={auth.token}
        doc={data.recognized}
        onConfirmed={(a) => {
          update({ app: a });
          setStep(a.status === 'identified' ? 'consent' : 'moderation');
        }}
      />
    );
  } else if (step === 'moderation') {
    screen = (
      <ModerationStep
        app={app}
        token={auth.token}
        onIdentified={(a) => {
          update({ app: a });
          setStep('consent');
        }}
      />
    );
  } else if (step === 'consent') {
    screen = (
      <ConsentStep
        app={app}
        token={auth.token}
        onConsent={(a) => {
          update({ app: a });
          setStep('agreement');
        }}
      />
    );
  } else if (step === 'agreement') {
    screen = (
      <AgreementStep
        app={app}
        token={auth.token}
        onAccepted={(a) => {
          update({ app: a });
          setStep('application-form');
        }}
        onLeave={props.onHome}
      />
    );
  } else if (step === 'application-form') {
    screen = (
      <ApplicationFormStep
        app={app}
        auth={auth}
        onSubmitted={(a, entry) => {
          update({ app: a, entry });
          setStep('submitted');
        }}
      />
    );
  } else if (step === 'submitted' && data.entry) {
    screen = <SubmittedStep app={app} entry={data.entry} />;
  }

  return (
    <div class="wizard">
      <Stepper current={stageOf(step)} />
      {screen}
    </div>
  );
}
