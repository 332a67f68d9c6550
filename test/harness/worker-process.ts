// A whole service process (web + worker) for tests that kill and restart workers.
// Configuration arrives as JSON in REELNOTES_TEST_ENV, so nothing leaks in from the test's environment.
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { startService } from "../../src/service.ts";

const config = loadConfig(JSON.parse(process.env.REELNOTES_TEST_ENV ?? "{}") as Record<string, string>);
const service = await startService(config, createLogger(config));
process.stdout.write(`ready ${service.worker?.owner ?? "no-worker"}\n`);
// The test or soak that started this process died (its end of stdin closed): go with it, at once.
process.stdin.on("end", () => process.exit(1));
process.stdin.resume();
process.once("SIGTERM", () => {
  void service.close().then(() => process.exit(0));
});
