import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Hang guards, not performance assertions: the samples start the reference stack and run
    // every guide sample in a fresh process; CI runs every package's suite in parallel on two cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
