/**
 * An emulator on a free loopback port over the test PKI's key folder, a client connected to it
 * through the `ws` package, and a person whose script each test sets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { NCALayerClient, type NCALayerClientOptions } from '../../src/client.js';
import type { EmulatorEvent } from '../../src/emulator/handlers.js';
import { type Person, type PersonScript, scriptedPerson } from '../../src/emulator/person.js';
import { type EmulatorOptions, type NCALayerEmulator, startEmulator } from '../../src/emulator/server.js';
import { makeTestPki, PASSWORD, type TestPki } from './test-pki.js';

export interface Harness {
  pki: TestPki;
  emulator: NCALayerEmulator;
  client: NCALayerClient;
  events: EmulatorEvent[];
  /** A folder `createCMSSignatureFromFile` may read. */
  filesDir: string;
  /** Sets what the person does next (password defaults to the test password). */
  person(script?: Partial<PersonScript>): void;
  /** Replaces the person altogether (gated persons of the connection tests). */
  setPerson(person: Person): void;
  /** A new client of the emulator. */
  newClient(options?: NCALayerClientOptions): NCALayerClient;
  close(): Promise<void>;
}

export async function makeHarness(options: Partial<EmulatorOptions> = {}): Promise<Harness> {
  const pki = await makeTestPki();
  const filesDir = mkdtempSync(join(tmpdir(), 'kzpki-ncalayer-files-'));
  let current: Person = scriptedPerson({ password: PASSWORD });
  const events: EmulatorEvent[] = [];
  const emulator = await startEmulator({
    keysDir: pki.dir,
    person: {
      choose: (prompt) => current.choose(prompt),
      retryPassword: (file, attempt) => current.retryPassword(file, attempt),
    },
    tls: false,
    port: 0,
    tsa: { url: pki.tsaUrl },
    filesDir,
    onEvent: (e) => events.push(e),
    ...options,
  });
  const clients: NCALayerClient[] = [];
  const newClient = (o: NCALayerClientOptions = {}) => {
    // `ws`'s WebSocket fits the client's WebSocketConstructor as it is (Node 20 has no global one).
    const c = new NCALayerClient({ url: emulator.url, WebSocket, ...o });
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    pki,
    emulator,
    client,
    events,
    filesDir,
    person(script = {}) {
      current = scriptedPerson({ password: PASSWORD, ...script });
    },
    setPerson(person) {
      current = person;
    },
    newClient,
    async close() {
      for (const c of clients) c.close();
      await emulator.close();
      await pki.close();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}
