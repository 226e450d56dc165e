/**
 * Key algorithms in words: the GOST labels of `@kzpki/pki` (`GOST-2015-512`, `GOST-2015-256`,
 * `GOST-2004`) are said with the standard's national name in the page's language; other labels
 * (`RSA-2048`, `ECDSA-P256`) are shown as they are.
 */
import type { MessageKey } from '../i18n/messages-ru.js';

const GOST_LABELS: Readonly<Record<string, MessageKey>> = {
  'GOST-2015-512': 'alg.gost2015-512',
  'GOST-2015-256': 'alg.gost2015-256',
  'GOST-2004': 'alg.gost2004',
};

/**
 * The message that names a key algorithm label, if it has one.
 * @example
 * ```ts
 * keyAlgorithmMessage('GOST-2015-512'); // 'alg.gost2015-512'
 * keyAlgorithmMessage('RSA-2048'); // undefined: shown as it is
 * ```
 */
export function keyAlgorithmMessage(label: string): MessageKey | undefined {
  return GOST_LABELS[label];
}

/** A key algorithm label in the page's words. */
export function keyAlgorithmText(t: (key: MessageKey) => string, label: string): string {
  const key = keyAlgorithmMessage(label);
  return key ? t(key) : label;
}
