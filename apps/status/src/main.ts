/**
 * Entry point of the status service as a process (`node dist/main.js`): reads the environment
 * (see `config.ts`), opens the source, listens, and stops cleanly on SIGINT/SIGTERM. Importing
 * this module starts the service; the library entry is `index.ts`.
 */
import { onShutdownSignals } from '@kzpki/server-kit';
import { statusConfigFromEnv } from './config.js';
import { startStatus } from './server.js';

async function main(): Promise<void> {
  const config = statusConfigFromEnv();
  const source = await config.openSource();
  const status = await startStatus({
    source,
    host: config.host,
    port: config.port,
    closeSource: true,
  });
  console.log(`[kzpki-status] listening on ${status.url}; certificates point at ${config.publicUrl}`);
  if (config.refresh) {
    const refresh = config.refresh;
    setInterval(() => {
      refresh().then(
        (n) => {
          if (n > 0) console.log(`[kzpki-status] index.txt or CRL files reloaded: ${n} change(s)`);
        },
        (e: unknown) => {
          console.error(
            '[kzpki-status] cannot reload the offline files:',
            e instanceof Error ? e.message : e,
          );
        },
      );
    }, 2000).unref();
  }
  onShutdownSignals(() => status.close(), { log: (m) => console.log(`[kzpki-status] ${m}`) });
}

main().catch((e: unknown) => {
  console.error('[kzpki-status] cannot start:', e instanceof Error ? e.message : e);
  if (e instanceof Error && e.cause)
    console.error('  cause:', e.cause instanceof Error ? e.cause.message : e.cause);
  process.exit(1);
});
