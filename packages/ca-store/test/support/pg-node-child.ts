/**
 * A CA "node" in a process of its own for the liveness tests: opens the PostgreSQL store, starts
 * an idempotent operation and claims an issuance lease, prints its node id, then waits to be
 * killed (`node --import tsx pg-node-child.ts <url> <idempotency key> <application id>`).
 */
import { openPgCaStore } from '../../src/index.js';

const [url, key, applicationId] = process.argv.slice(2) as [string, string, string];
const store = await openPgCaStore(url, { onError: () => {} });
const begin = await store.beginIdempotent('issue', key, 'request-hash', new Date());
const claimed = await store.updateApplication(applicationId, {
  expected: ['submitted'],
  guard: (cur) => !cur.data.issuanceLease,
  data: { issuanceLease: { token: 'child', until: new Date(Date.now() + 60_000), owner: store.nodeId } },
  audit: { actor: 'child', action: 'issuance.started', entity: `application:${applicationId}` },
});
process.stdout.write(
  `${JSON.stringify({ nodeId: store.nodeId, begin: begin.state, claimed: claimed !== undefined })}\n`,
);
setInterval(() => {}, 1 << 30);
