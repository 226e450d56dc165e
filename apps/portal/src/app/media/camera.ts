/**
 * The web camera: whether there is one (the NCA page checks this first), and a stream for the
 * selfie, the liveness check and document photos.
 */
import { PortalError } from '../errors.js';

/** `true` when the browser can use a camera and one is listed. */
export async function hasCamera(): Promise<boolean> {
  const md = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!md?.getUserMedia || !md.enumerateDevices) return false;
  try {
    return (await md.enumerateDevices()).some((d) => d.kind === 'videoinput');
  } catch {
    return false;
  }
}

/**
 * Opens the camera (`user` for selfies, `environment` for documents where there is a choice).
 * @throws {PortalError} `ERR_CAMERA` when permission is refused or no camera works.
 */
export async function openCamera(facingMode: 'user' | 'environment'): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia({
      video: { facingMode, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    });
  } catch (cause) {
    throw new PortalError('ERR_CAMERA', 'The camera could not be opened', { cause });
  }
}

/** Stops every track of a stream. */
export function stopCamera(stream: MediaStream | undefined): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
