/**
 * A folder of NCA key files (what `kzpki enroll --out` writes): finds the AUTH file
 * (`AUTH_*.p12`) and the SIGN file (the other `*.p12`) of one person, or a legal entity's one
 * GOST key file (`GOST512_*.p12`), which serves as both.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../../errors.js';
import { readInputFile } from './files.js';

/** The AUTH and SIGN key files of one holder. */
export interface KeyPairFiles {
  auth: { path: string; bytes: Uint8Array };
  sign: { path: string; bytes: Uint8Array };
}

/**
 * Reads the AUTH and SIGN key files from `dir` (both the same file for a lone `GOST512_*.p12`).
 * @throws {CliError} `ERR_INPUT` when the folder cannot be read or does not hold exactly one of each.
 */
export function readKeyPairFiles(dir: string): KeyPairFiles {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /\.(p12|pfx)$/i.test(n));
  } catch (cause) {
    throw new CliError('ERR_INPUT', `cannot read the key folder ${dir}`, { cause });
  }
  const file = (name: string) => ({ path: join(dir, name), bytes: readInputFile(join(dir, name)) });
  const [only, ...others] = names;
  if (only !== undefined && others.length === 0 && /^GOST512_/i.test(only)) {
    const gost = file(only);
    return { auth: gost, sign: gost };
  }
  const auth = names.filter((n) => /^AUTH_/i.test(n));
  const sign = names.filter((n) => !/^AUTH_/i.test(n));
  if (auth.length !== 1 || sign.length !== 1) {
    throw new CliError(
      'ERR_INPUT',
      `${dir} must hold one AUTH_*.p12 and one other (SIGN) .p12 key file, or one GOST512_*.p12; found ${auth.length} and ${sign.length}`,
    );
  }
  return { auth: file(auth[0] as string), sign: file(sign[0] as string) };
}
