/**
 * Saving files made in the browser: a Blob URL clicked through a temporary `<a download>`.
 */

/** Offers `bytes` as a download named `fileName`; returns the object URL (revoke it when done). */
export function saveFile(bytes: Uint8Array, fileName: string, type = 'application/x-pkcs12'): string {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  return url;
}

/**
 * An object URL for `text` that a link offers for download (nothing is saved until the user
 * follows it); revoke it when done.
 * @example
 * ```ts
 * const url = offerFile(pem, 'application/x-pem-file'); // <a href={url} download="root.crt">
 * ```
 */
export function offerFile(text: string, type: string): string {
  return URL.createObjectURL(new Blob([text], { type }));
}
