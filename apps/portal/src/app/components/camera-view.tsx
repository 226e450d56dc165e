/**
 * A live camera picture: opens the stream on mount, stops it on unmount, and hands the playing
 * `<video>` to the parent (for captures and the liveness check).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type Said, useI18n } from '../i18n/i18n.js';
import { openCamera, stopCamera } from '../media/camera.js';
import { ErrorMessage } from './messages.js';

/** Camera preview. */
export function CameraView(props: {
  facing: 'user' | 'environment';
  label: string;
  onReady: (video: HTMLVideoElement | undefined) => void;
  /** Oval face frame (selfie) or document frame. */
  frame: 'face' | 'document';
}) {
  const i = useI18n();
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<Said>();
  useEffect(() => {
    let stream: MediaStream | undefined;
    let cancelled = false;
    openCamera(props.facing)
      .then(async (s) => {
        if (cancelled) return stopCamera(s);
        stream = s;
        const v = video.current;
        if (!v) return;
        v.srcObject = s;
        await v.play().catch(() => undefined);
        props.onReady(v);
      })
      .catch((e: unknown) => {
        setError({ error: e });
        props.onReady(undefined);
      });
    return () => {
      cancelled = true;
      props.onReady(undefined);
      stopCamera(stream);
    };
  }, [props.facing]);
  return (
    <div class={`camera camera-${props.frame}`}>
      <video ref={video} muted playsInline autoPlay aria-label={props.label} />
      <div class="camera-frame" aria-hidden="true" />
      <ErrorMessage>{i.say(error)}</ErrorMessage>
    </div>
  );
}
