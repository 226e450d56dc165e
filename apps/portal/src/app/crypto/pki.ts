/**
 * `@kzpki/pki` is loaded on first use: the wizard's first screens, the status page and the
 * cabinet login form render without it, and the large ASN.1 chunk comes only when keys are made,
 * files are opened or certificates inspected.
 */
type Pki = typeof import('@kzpki/pki');

let loading: Promise<Pki> | undefined;

/** The `@kzpki/pki` module (loaded once). */
export function loadPki(): Promise<Pki> {
  loading ??= import('@kzpki/pki');
  return loading;
}
