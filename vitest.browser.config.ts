import { defineConfig } from "vitest/config";

// Browser tests need Chromium (Debian's `chromium` package); `.ci/run` installs it and runs
// `npm run test:browser`. They are kept out of `npm test` so that works on any fresh machine.
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
  },
});
