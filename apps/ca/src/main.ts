/**
 * Starts the reference CA from the environment (see `config.ts` for the variables):
 * `node apps/ca/dist/main.js`.
 */
import { describeStoreLocation } from '@kzpki/ca-store';
import { onShutdownSignals } from '@kzpki/server-kit';
import { settingsFromEnv } from './config.js';
import { startCa } from './server.js';

const settings = settingsFromEnv();
for (const w of settings.warnings) console.warn(`[kzpki-ca] WARNING: ${w}`);
const where = settings.database ? describeStoreLocation(settings.database) : settings.dataDir;
console.log(`[kzpki-ca] initialising the CA in ${where} (first start generates RSA-4096 keys)...`);
const ca = await startCa({
  passphrase: settings.passphrase,
  ...(settings.statusPassphrase ? { statusPassphrase: settings.statusPassphrase } : {}),
  dataDir: settings.dataDir,
  ...(settings.database ? { database: settings.database } : {}),
  host: settings.host,
  port: settings.port,
  config: settings.config,
});
const cfg = ca.context.config;
console.log(`[kzpki-ca] listening on ${ca.url} (API under /v1, spec openapi/ca.yaml)`);
console.log(`[kzpki-ca] certificates point at the status service ${cfg.statusBaseUrl}`);
if (cfg.devMode) console.log(`[kzpki-ca] dev mode: SMS outbox at ${ca.url}/v1/dev/sms-outbox?iin=<IIN>`);
if (cfg.testMode)
  console.log('[kzpki-ca] test mode: NCA test identifiers accepted, backdated validity allowed');

onShutdownSignals(() => ca.close(), { log: (m) => console.log(`[kzpki-ca] ${m}`) });
