/**
 * One contract suite, two stores: SQLite (always) and PostgreSQL (a database of its own on the
 * test server; skipped with the reason when the server is not reachable, except in CI).
 */
import { describe, it } from 'vitest';
import { postgresForTests } from '../src/testing/pg-test-database.js';
import { describeStoreContract } from './support/store-contract.js';
import { pgHarness, sqliteHarness } from './support/store-harness.js';

describeStoreContract(sqliteHarness());

const pgProbe = await postgresForTests('ca-store contract');
if (pgProbe.available) describeStoreContract(pgHarness());
else describe.skip(`store contract on PostgreSQL (${pgProbe.reason})`, () => it('runs', () => {}));
