import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Generous limits: CI runs every package's suite in parallel on two cores, and property, fuzz and
    // interop tests (which spawn OpenSSL, GnuTLS, NSS, Java) take seconds there. These are hang
    // guards, not performance assertions.
    testTimeout: 240_000,
    hookTimeout: 120_000,
  },
});
