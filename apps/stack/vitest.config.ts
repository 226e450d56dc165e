import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Hang guards, not performance assertions: the suites start the CA, the status service and the
    // portal (RSA key generation) and enroll many times; CI runs every suite in parallel on two cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
