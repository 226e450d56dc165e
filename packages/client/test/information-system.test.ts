/**
 * `issueInformationSystem()` checks its options, the new key file's password and the first
 * manager's key file before anything is sent. The issuance itself runs against the real CA in
 * the test pack's end-to-end test (apps/stack/test/testpack.e2e.test.ts): this package does not
 * depend on the CA.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type IssueInformationSystemOptions, issueInformationSystem, KzpkiApiError } from '../src/index.js';
import { json, startServer, type TestServer } from './support/http-server.js';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function code(options: IssueInformationSystemOptions): Promise<string> {
  const e = await issueInformationSystem(options).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(KzpkiApiError);
  return (e as KzpkiApiError).code;
}

describe('issueInformationSystem() before the first request', () => {
  const base = (caUrl: string): IssueInformationSystemOptions => ({
    caUrl,
    approverKeyFile: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]),
    systemName: 'ДОКУМЕНТООБОРОТ',
    password: 'Qwerty12',
  });

  it.each([
    [{ systemName: '  ' }],
    [{ systemName: undefined }],
    [{ approverKeyFile: undefined }],
    [{ caUrl: '' }],
    [{ validity: { notBefore: new Date('2025-02-01'), notAfter: new Date('2025-01-01') } }],
  ])('ERR_INVALID_ARGUMENT for %j, with nothing sent', async (override) => {
    server = await startServer(() => json(500, {}));
    const options = { ...base(server.url), ...override } as IssueInformationSystemOptions;
    expect(await code(options)).toBe('ERR_INVALID_ARGUMENT');
    expect(server.requests).toHaveLength(0);
  });

  it('ERR_PASSWORD_POLICY for a new key-file password the NCA rule refuses, with nothing sent', async () => {
    server = await startServer(() => json(500, {}));
    expect(await code({ ...base(server.url), password: 'qwerty' })).toBe('ERR_PASSWORD_POLICY');
    expect(server.requests).toHaveLength(0);
  });

  it("ERR_KEY_FILE_INVALID when the first manager's key file is not PKCS #12, with nothing sent", async () => {
    server = await startServer(() => json(500, {}));
    expect(await code(base(server.url))).toBe('ERR_KEY_FILE_INVALID');
    expect(server.requests).toHaveLength(0);
  });
});
