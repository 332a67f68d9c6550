import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/harness/global-setup.ts"],
    // Fails a test whose emulator exchanges break an official API description (test/contracts/).
    setupFiles: ["test/contracts/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two cores: more workers only fight over ffmpeg and tesseract.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
