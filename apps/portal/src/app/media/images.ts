/**
 * Pictures for Digital ID: camera frames and uploaded files are redrawn on a canvas, scaled down
 * and re-encoded as JPEG, so what is sent is a bounded, decodable image (the API accepts at most
 * ~1.5 MB) and never the original file's metadata.
 */
import { PortalError } from '../errors.js';

/** Longest side of the images sent. */
export const MAX_IMAGE_SIDE = 800;

/** A picture ready to send. */
export interface Picture {
  /** Base64 JPEG (no data: prefix). */
  base64: string;
  /** `data:` URL for the preview. */
  dataUrl: string;
}

function draw(source: CanvasImageSource, width: number, height: number): Picture {
  const scale = Math.min(1, MAX_IMAGE_SIDE / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new PortalError('ERR_IMAGE', 'Canvas 2D is not available');
  ctx.drawImage(source, 0, 0, canvas.width, canvas.height);
  const dataUrl = canvas.toDataURL('image/jpeg', 0.85);
  return { dataUrl, base64: dataUrl.slice(dataUrl.indexOf(',') + 1) };
}

/** The current frame of a playing video. */
export function captureFrame(video: HTMLVideoElement): Picture {
  if (!video.videoWidth || !video.videoHeight)
    throw new PortalError('ERR_CAMERA', 'The camera gives no picture yet');
  return draw(video, video.videoWidth, video.videoHeight);
}

/**
 * An uploaded picture (JPEG, PNG, WebP...), decoded and re-encoded.
 * @throws {PortalError} `ERR_IMAGE` when the file is not a decodable picture.
 */
export async function pictureFromFile(file: Blob): Promise<Picture> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (cause) {
    throw new PortalError('ERR_IMAGE', 'The file is not a picture', { cause });
  }
  try {
    return draw(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}
