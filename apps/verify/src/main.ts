/**
 * `node dist/main.js`: the verification service on its own, configured from the environment
 * (see `config.ts`).
 */
import { onShutdownSignals } from '@kzpki/server-kit';
import { verifyConfigFromEnv } from './config.js';
import { startVerify } from './server.js';

const options = await verifyConfigFromEnv();
const running = await startVerify(options);
console.log(
  `[kzpki-verify] listening on ${running.url} with ${options.trustAnchors.length} trust anchor(s): POST ${running.url}/api/v1/cms/verify`,
);
onShutdownSignals(() => running.close());
