import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The unit tests import the SPA's .tsx modules (message tables, i18n): Preact's JSX runtime.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  test: {
    include: ['test/**/*.test.ts'],
    // The browser suite builds the SPA once (into a temp folder) before any test file runs.
    globalSetup: ['./test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
