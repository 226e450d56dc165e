import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards, not performance assertions (CI runs suites in parallel on two cores).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
