/**
 * Classes of forbidden characters, so a violation can say what kind of character is in the way
 * (a space, a Cyrillic letter typed with the wrong keyboard layout, an accented letter, a symbol
 * the NCA does not allow).
 */

/** Kinds of characters the rule forbids. */
export type ForbiddenClass =
  /** Spaces, tabs, line breaks, no-break spaces and other Unicode white space. */
  | 'whitespace'
  /** Control and invisible format characters (U+0000–U+001F, zero-width joiners...), lone surrogates. */
  | 'control'
  /** Cyrillic letters, Kazakh ones included (the keyboard layout was Russian or Kazakh). */
  | 'cyrillic'
  /** Letters other than a–z/A–Z: accented Latin, Greek, ... */
  | 'other-letter'
  /** Any other character: symbols outside `#$^+=!*()@%&_?-.`, non-ASCII digits, emoji. */
  | 'other-symbol';

/** The classes in the order violations are listed. */
export const FORBIDDEN_CLASSES: readonly ForbiddenClass[] = [
  'whitespace',
  'control',
  'cyrillic',
  'other-letter',
  'other-symbol',
];

const WHITESPACE = /^\s$/u;
const CONTROL = /^[\p{Cc}\p{Cf}\p{Cs}]$/u;
const CYRILLIC = /^\p{Script=Cyrillic}$/u;
const LETTER = /^[\p{L}\p{M}]$/u;

/** The class of a character (one code point) the rule does not allow. */
export function forbiddenClassOf(char: string): ForbiddenClass {
  if (WHITESPACE.test(char)) return 'whitespace';
  if (CONTROL.test(char)) return 'control';
  if (CYRILLIC.test(char)) return 'cyrillic';
  if (LETTER.test(char)) return 'other-letter';
  return 'other-symbol';
}
