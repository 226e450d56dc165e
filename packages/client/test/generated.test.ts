/**
 * The committed types in src/generated/ are exactly what openapi-typescript makes of the specs
 * today (CI fails when a spec changes without `pnpm --filter @kzpki/client generate`).
 */
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES, generateTypes, staleGeneratedFiles } from '../scripts/generate.js';

describe('generated API types', () => {
  it('are fresh: regenerating from openapi/*.yaml changes nothing', { timeout: 60_000 }, async () => {
    expect(await staleGeneratedFiles()).toEqual([]);
  });

  it('come from the three specs and describe their operations', { timeout: 60_000 }, async () => {
    expect(GENERATED_FILES.map((f) => f.out.replace(/.*\/src\//, 'src/'))).toEqual([
      'src/generated/ca.ts',
      'src/generated/status.ts',
      'src/generated/verify.ts',
    ]);
    const verify = await generateTypes(GENERATED_FILES[2].spec);
    for (const op of ['verifyCms', 'extractCmsContent', 'inspectCertificate', 'inspectKeyFile']) {
      expect(verify).toContain(`    ${op}: {`);
    }
    const ca = await generateTypes(GENERATED_FILES[0].spec);
    for (const op of [
      'startApplication',
      'verifyOtp',
      'submitApplication',
      'decideApplication',
      'listSmsOutbox',
    ]) {
      expect(ca).toContain(`    ${op}: {`);
    }
  });
});
