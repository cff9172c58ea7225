import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The browser tests run by `npm run test:e2e` (vitest.e2e.config.ts), which .ci/run also runs.
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    globalSetup: ['test/global-setup.ts'],
    // Integration tests share one Redis and spawn worker processes: keep the 2-core machine responsive.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    setupFiles: ['test/setup/leak-check.ts'],
  },
});
