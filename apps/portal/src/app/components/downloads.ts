/**
 * Saving files made in the browser: a Blob URL clicked through a temporary `<a download>`.
 */
import { useEffect, useRef } from 'preact/hooks';

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

/**
 * Saves files with {@link saveFile} and keeps their object URLs for the links that offer them
 * again, revoking them when the component goes away.
 * @example
 * ```ts
 * const saveAll = useSavedFiles();
 * setFiles(saveAll(built)); // each file with its `url`
 * ```
 */
export function useSavedFiles(): <F extends { bytes: Uint8Array; fileName: string }>(
  files: F[],
) => Array<F & { url: string }> {
  const urls = useRef<string[]>([]);
  useEffect(
    () => () => {
      for (const u of urls.current) URL.revokeObjectURL(u);
    },
    [],
  );
  return (files) =>
    files.map((f) => {
      const url = saveFile(f.bytes, f.fileName);
      urls.current.push(url);
      return { ...f, url };
    });
}
