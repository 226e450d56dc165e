/**
 * The client side of the simulated Digital ID video liveness check: frames are sampled while the
 * user turns their head, and the score is the share of the picture that changed between frames.
 * A printed photo or a frozen stream scores near zero. The CA's Digital ID simulation accepts a
 * passed check with a score of at least 0.5.
 */

/** Side of the grey thumbnails compared. */
const SAMPLE = 64;
/** A pixel "moved" when its grey level changed by more than this. */
const PIXEL_DELTA = 24;
/** Share of moved pixels (averaged over frame pairs) that counts as a live face. */
const MOTION_FOR_PASS = 0.02;

/** A liveness result in the API's shape. */
export interface LivenessResult {
  passed: boolean;
  score: number;
}

/** Grey thumbnail of the current video frame. */
export function sampleFrame(video: HTMLVideoElement): Uint8Array {
  const canvas = document.createElement('canvas');
  canvas.width = SAMPLE;
  canvas.height = SAMPLE;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return new Uint8Array(SAMPLE * SAMPLE);
  ctx.drawImage(video, 0, 0, SAMPLE, SAMPLE);
  const rgba = ctx.getImageData(0, 0, SAMPLE, SAMPLE).data;
  const grey = new Uint8Array(SAMPLE * SAMPLE);
  for (let i = 0; i < grey.length; i++) {
    grey[i] = Math.round(
      0.299 * (rgba[i * 4] ?? 0) + 0.587 * (rgba[i * 4 + 1] ?? 0) + 0.114 * (rgba[i * 4 + 2] ?? 0),
    );
  }
  return grey;
}

/** Mean share of pixels that changed between consecutive frames. */
export function motionOf(frames: readonly Uint8Array[]): number {
  if (frames.length < 2) return 0;
  let sum = 0;
  for (let f = 1; f < frames.length; f++) {
    const a = frames[f - 1] as Uint8Array;
    const b = frames[f] as Uint8Array;
    let moved = 0;
    for (let i = 0; i < a.length; i++) if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > PIXEL_DELTA) moved++;
    sum += moved / a.length;
  }
  return sum / (frames.length - 1);
}

/** Score in [0, 1]: 0.5 exactly at the pass threshold, saturating at 1. */
export function livenessFromMotion(motion: number): LivenessResult {
  const score = Math.min(1, Math.round((motion / MOTION_FOR_PASS) * 0.5 * 1000) / 1000);
  return { passed: motion >= MOTION_FOR_PASS, score };
}

/** Samples `count` frames `intervalMs` apart and scores them. */
export async function checkLiveness(
  video: HTMLVideoElement,
  count = 8,
  intervalMs = 200,
): Promise<LivenessResult> {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(sampleFrame(video));
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return livenessFromMotion(motionOf(frames));
}
