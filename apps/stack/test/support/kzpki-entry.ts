/** `kzpki` from the sources, for tests that need a real process (signals): `node --import tsx kzpki-entry.ts ...`. */
import { main } from '../../src/main.js';

process.exitCode = await main(process.argv);
