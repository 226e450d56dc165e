/**
 * `kzpki` with this app's sources as the reference stack, for tests that need a real process
 * (signals): `node --import tsx kzpki-entry.ts start ...`.
 */
import { main } from '@kzpki/cli';
import { stack } from '../../src/index.js';

process.exitCode = await main(process.argv, undefined, { stack: { ok: true, stack } });
