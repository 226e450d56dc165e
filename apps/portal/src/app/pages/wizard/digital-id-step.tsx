/**
 * Step 2, Digital ID (seeds 000/001 items 9-17): "Создать Digital ID" in three steps: confirm the
 * identity (selfie, then video identification), set the PIN, add the identity document (photo of
 * both sides or an uploaded file). The camera is used when the browser has one; otherwise photos
 * are uploaded. Ends with the CA's recognised document data, confirmed on the next screen.
 */
import { useRef, useState } from 'preact/hooks';
import type { Application, IdentificationResult } from '../../api/types.js';
import { CameraView } from '../../components/camera-view.js';
import { FileField, TextField } from '../../components/field.js';
import { ScreenHeading } from '../../components/heading.js';
import { Busy, ErrorMessage, StatusMessage } from '../../components/messages.js';
import { type Said, useI18n } from '../../i18n/i18n.js';
import { captureFrame, type Picture, pictureFromFile } from '../../media/images.js';
import { checkLiveness, type LivenessResult } from '../../media/liveness.js';
import { useServices } from '../../services.js';
import { pinProblem } from './pin.js';
import type { DigitalIdData, DigitalIdScreen } from './wizard-state.js';

/** Props of {@link DigitalIdStep}. */
export interface DigitalIdStepProps {
  app: Application;
  token: string;
  camera: boolean;
  /** Which of the Digital ID screens is shown (the wizard keeps it, so Back steps through them). */
  screen: DigitalIdScreen;
  /** What the earlier screens gathered. */
  data: DigitalIdData;
  onData: (data: DigitalIdData) => void;
  onScreen: (screen: DigitalIdScreen) => void;
  onRecognized: (result: IdentificationResult) => void;
}

/** The Digital ID screens. */
export function DigitalIdStep(props: DigitalIdStepProps) {
  const { ca } = useServices();
  const { data } = props;
  switch (props.screen) {
    case 'intro':
      return <Intro onStart={() => props.onScreen('selfie')} />;
    case 'selfie':
      return (
        <SelfieScreen
          camera={props.camera}
          onDone={(selfie) => {
            props.onData({ selfie });
            props.onScreen('liveness');
          }}
        />
      );
    case 'liveness':
      return (
        <LivenessScreen
          camera={props.camera}
          onDone={(liveness) => {
            props.onData({ liveness });
            props.onScreen('pin');
          }}
        />
      );
    case 'pin':
      return (
        <PinScreen
          onDone={(pin) => {
            props.onData({ pin });
            props.onScreen('document');
          }}
        />
      );
    case 'document':
      return (
        <DocumentScreen
          camera={props.camera}
          submit={async (document) => {
            // The wizard shows this screen only once the earlier ones gave their data.
            const result = await ca.identify(props.app.id, props.token, {
              selfie: (data.selfie as Picture).base64,
              liveness: data.liveness as LivenessResult,
              pin: data.pin as string,
              document,
            });
            props.onRecognized(result);
          }}
        />
      );
  }
}

function Intro(props: { onStart: () => void }) {
  const i = useI18n();
  return (
    <div>
      <ScreenHeading>{i.t('did.title')}</ScreenHeading>
      <p>{i.t('did.intro')}</p>
      <ol class="did-steps">
        <li>{i.t('did.step1')}</li>
        <li>{i.t('did.step2')}</li>
        <li>{i.t('did.step3')}</li>
      </ol>
      <button type="button" class="btn btn-primary" onClick={props.onStart}>
        {i.t('did.start')}
      </button>
    </div>
  );
}

function SelfieScreen(props: { camera: boolean; onDone: (p: Picture) => void }) {
  const i = useI18n();
  const video = useRef<HTMLVideoElement>();
  const [ready, setReady] = useState(false);
  const [shot, setShot] = useState<Picture>();
  const [error, setError] = useState<Said>();
  const [upload, setUpload] = useState(!props.camera);

  const capture = (): void => {
    setError(undefined);
    try {
      if (video.current) setShot(captureFrame(video.current));
    } catch (e) {
      setError({ error: e });
    }
  };
  const fromFile = async (file: File | undefined): Promise<void> => {
    setError(undefined);
    if (!file) return;
    try {
      setShot(await pictureFromFile(file));
    } catch (e) {
      setError({ error: e });
    }
  };

  return (
    <div>
      <ScreenHeading>{i.t('selfie.title')}</ScreenHeading>
      {/* The camera instructions only where the camera is used. */}
      <p>{i.t(upload ? 'selfie.uploadHint' : 'selfie.hint')}</p>
      {!props.camera ? <p class="msg msg-info">{i.t('selfie.noCamera')}</p> : null}
      {shot ? (
        <figure class="preview">
          <img src={shot.dataUrl} alt={i.t('selfie.preview')} />
          <figcaption>{i.t('selfie.preview')}</figcaption>
        </figure>
      ) : upload ? (
        <FileField
          id="selfie-file"
          label={i.t('selfie.upload')}
          accept="image/jpeg,image/png,image/webp"
          capture="user"
          onFile={(f) => void fromFile(f)}
        />
      ) : (
        <CameraView
          facing="user"
          frame="face"
          label={i.t('selfie.video')}
          onReady={(v) => {
            video.current = v;
            setReady(v !== undefined);
          }}
        />
      )}
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      <div class="actions">
        {shot ? (
          <>
            <button type="button" class="btn btn-primary" onClick={() => props.onDone(shot)}>
              {i.t('selfie.send')}
            </button>
            <button type="button" class="btn" onClick={() => setShot(undefined)}>
              {i.t('selfie.retry')}
            </button>
          </>
        ) : upload ? null : (
          <>
            <button type="button" class="btn btn-primary btn-shutter" onClick={capture} disabled={!ready}>
              <span aria-hidden="true">📷 </span>
              {i.t('selfie.capture')}
            </button>
            <button type="button" class="link" onClick={() => setUpload(true)}>
              {i.t('selfie.upload')}
            </button>
          </>
        )}
      </div>
    </div>
  );
}

function LivenessScreen(props: { camera: boolean; onDone: (r: LivenessResult) => void }) {
  const i = useI18n();
  const video = useRef<HTMLVideoElement>();
  const [ready, setReady] = useState(false);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<LivenessResult>();

  const run = async (): Promise<void> => {
    if (!video.current) return;
    setRunning(true);
    setResult(undefined);
    try {
      setResult(await checkLiveness(video.current));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div>
      <ScreenHeading>{i.t('live.title')}</ScreenHeading>
      {props.camera ? <p>{i.t('live.hint')}</p> : null}
      {props.camera ? (
        <CameraView
          facing="user"
          frame="face"
          label={i.t('selfie.video')}
          onReady={(v) => {
            video.current = v;
            setReady(v !== undefined);
          }}
        />
      ) : (
        <p class="msg msg-info">{i.t('live.simulated')}</p>
      )}
      {running ? <Busy>{i.t('live.running')}</Busy> : null}
      <StatusMessage kind={result?.passed ? 'ok' : 'warn'}>
        {result ? (result.passed ? i.t('live.passed') : i.t('live.failed')) : ''}
      </StatusMessage>
      <div class="actions">
        {result?.passed ? (
          <button type="button" class="btn btn-primary" onClick={() => props.onDone(result)}>
            {i.t('selfie.continue')}
          </button>
        ) : props.camera ? (
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => void run()}
            disabled={!ready || running}
          >
            {i.t('live.start')}
          </button>
        ) : (
          // Without a camera the simulated Digital ID service vouches for liveness itself.
          <button
            type="button"
            class="btn btn-primary"
            onClick={() => props.onDone({ passed: true, score: 0.75 })}
          >
            {i.t('selfie.continue')}
          </button>
        )}
      </div>
    </div>
  );
}

function PinScreen(props: { onDone: (pin: string) => void }) {
  const i = useI18n();
  const [pin, setPin] = useState('');
  const [repeat, setRepeat] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = pinProblem(pin);
  const pinError =
    touched || pin.length >= 4
      ? problem === 'format'
        ? touched
          ? i.t('pin.format')
          : undefined
        : problem === 'simple'
          ? i.t('pin.simple')
          : undefined
      : undefined;
  const repeatError =
    (touched || repeat.length >= pin.length) && repeat !== '' && repeat !== pin
      ? i.t('pin.mismatch')
      : undefined;

  const submit = (e: Event): void => {
    e.preventDefault();
    setTouched(true);
    const invalid = problem ? 'pin-1' : repeat !== pin ? 'pin-2' : undefined;
    if (invalid) document.getElementById(invalid)?.focus();
    else props.onDone(pin);
  };

  return (
    <form onSubmit={submit} noValidate>
      <ScreenHeading>{i.t('pin.title')}</ScreenHeading>
      <TextField
        id="pin-1"
        label={i.t('pin.label')}
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        maxLength={8}
        value={pin}
        onValue={(v) => setPin(v.replace(/\D/g, '').slice(0, 8))}
        required
        hint={i.t('pin.hint')}
        error={pinError}
      />
      <TextField
        id="pin-2"
        label={i.t('pin.repeat')}
        type="password"
        inputMode="numeric"
        autoComplete="new-password"
        maxLength={8}
        value={repeat}
        onValue={(v) => setRepeat(v.replace(/\D/g, '').slice(0, 8))}
        required
        error={repeatError ?? (touched && repeat === '' ? i.t('pin.mismatch') : undefined)}
      />
      <button type="submit" class="btn btn-primary">
        {i.t('pin.set')}
      </button>
    </form>
  );
}

type DocType = 'id-card' | 'passport';

function DocumentScreen(props: {
  camera: boolean;
  submit: (doc: { type: DocType; frontImage: string; backImage?: string }) => Promise<void>;
}) {
  const i = useI18n();
  const [type, setType] = useState<DocType>('id-card');
  const [method, setMethod] = useState<'upload' | 'photo'>(props.camera ? 'photo' : 'upload');
  const [front, setFront] = useState<Picture>();
  const [back, setBack] = useState<Picture>();
  const [error, setError] = useState<Said>();
  const [busy, setBusy] = useState(false);
  const video = useRef<HTMLVideoElement>();
  const [ready, setReady] = useState(false);
  const side: 'front' | 'back' | undefined = !front
    ? 'front'
    : !back && type === 'id-card'
      ? 'back'
      : undefined;

  const fromFile = async (which: 'front' | 'back', file: File | undefined): Promise<void> => {
    setError(undefined);
    if (!file) return;
    try {
      const p = await pictureFromFile(file);
      if (which === 'front') setFront(p);
      else setBack(p);
    } catch (e) {
      setError({ error: e });
    }
  };
  const capture = (): void => {
    setError(undefined);
    try {
      if (!video.current || !side) return;
      const p = captureFrame(video.current);
      if (side === 'front') setFront(p);
      else setBack(p);
    } catch (e) {
      setError({ error: e });
    }
  };
  const send = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (busy) return;
    if (!front) {
      setError({ key: 'doc.needFront' });
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await props.submit({ type, frontImage: front.base64, ...(back ? { backImage: back.base64 } : {}) });
    } catch (err) {
      setError({ error: err });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={send} noValidate>
      <ScreenHeading>{i.t('doc.title')}</ScreenHeading>
      <p>{i.t(props.camera ? 'doc.choose' : 'doc.chooseUpload')}</p>
      <fieldset class="choice choice-inline">
        <legend>{i.t('doc.type')}</legend>
        {(['id-card', 'passport'] as const).map((d) => (
          <label class="check" key={d}>
            <input type="radio" name="doc-type" value={d} checked={type === d} onChange={() => setType(d)} />{' '}
            {i.t(d === 'id-card' ? 'doc.idCard' : 'doc.passport')}
          </label>
        ))}
      </fieldset>
      <fieldset class="choice choice-inline">
        <legend>{i.t('doc.method')}</legend>
        <label class="check">
          <input
            type="radio"
            name="doc-method"
            value="upload"
            checked={method === 'upload'}
            onChange={() => setMethod('upload')}
          />{' '}
          {i.t('doc.upload')}
        </label>
        <label class="check">
          <input
            type="radio"
            name="doc-method"
            value="photo"
            checked={method === 'photo'}
            disabled={!props.camera}
            onChange={() => setMethod('photo')}
          />{' '}
          {i.t('doc.photo')}
        </label>
      </fieldset>
      {method === 'upload' ? (
        <div class="sides">
          <FileField
            id="doc-front"
            label={i.t('doc.front')}
            accept="image/jpeg,image/png,image/webp"
            required
            onFile={(f) => void fromFile('front', f)}
          />
          {type === 'id-card' ? (
            <FileField
              id="doc-back"
              label={i.t('doc.back')}
              accept="image/jpeg,image/png,image/webp"
              onFile={(f) => void fromFile('back', f)}
            />
          ) : null}
        </div>
      ) : (
        <div>
          <p class="hint">{i.t('doc.photoHint')}</p>
          {side ? (
            <>
              <p>
                <strong>{i.t(side === 'front' ? 'doc.front' : 'doc.back')}</strong>: {i.t('doc.frameHint')}
              </p>
              <CameraView
                facing="environment"
                frame="document"
                label={i.t(side === 'front' ? 'doc.front' : 'doc.back')}
                onReady={(v) => {
                  video.current = v;
                  setReady(v !== undefined);
                }}
              />
              <button type="button" class="btn btn-shutter" onClick={capture} disabled={!ready}>
                <span aria-hidden="true">📷 </span>
                {i.t('selfie.capture')}
              </button>
            </>
          ) : null}
        </div>
      )}
      <div class="thumbs">
        {front ? (
          <figure class="thumb">
            <img src={front.dataUrl} alt={i.t('doc.front')} />
            <figcaption>{i.t('doc.front')}</figcaption>
          </figure>
        ) : null}
        {back ? (
          <figure class="thumb">
            <img src={back.dataUrl} alt={i.t('doc.back')} />
            <figcaption>{i.t('doc.back')}</figcaption>
          </figure>
        ) : null}
        {front || back ? (
          <button
            type="button"
            class="link"
            onClick={() => {
              setFront(undefined);
              setBack(undefined);
            }}
          >
            {i.t('selfie.retry')}
          </button>
        ) : null}
      </div>
      <ErrorMessage>{i.say(error)}</ErrorMessage>
      {busy ? <Busy>{i.t('doc.recognizing')}</Busy> : null}
      <button
        type="submit"
        class="btn btn-primary"
        disabled={!front}
        aria-disabled={busy ? 'true' : undefined}
      >
        {i.t('doc.send')}
      </button>
    </form>
  );
}
