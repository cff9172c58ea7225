import { defineConfig } from 'vitest/config';

/** Browser tests of the upload page (`npm run test:e2e`): real headless Chromium, so kept out of the unit run. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    setupFiles: ['test/setup/leak-check.ts'],
  },
});
