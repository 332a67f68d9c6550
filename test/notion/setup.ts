import { fileURLToPath } from "node:url";
import { loadConfig, type Config } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { createNotionApi, type NotionApi, type NotionApiOptions } from "../../src/notion/client.ts";
import { TEST_CLIENT, startNotionEmulator, type NotionEmulator, type NotionEmulatorOptions } from "../emulators/notion/index.ts";

/** Shared wiring for the Notion tests: a fixture path, an emulator, a config and an API pointing at it. */

export const REDIRECT_URI = "http://127.0.0.1:8080/oauth/notion/callback";

/** The path of a workspace fixture by name. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/workspaces/${name}.json`, import.meta.url));
}

/** The notion part of a config pointing at `emulator`. */
export function notionConfig(emulator: NotionEmulator, requestsPerSecond = 100): Config["notion"] {
  return loadConfig({
    NOTION_CLIENT_ID: TEST_CLIENT.clientId,
    NOTION_CLIENT_SECRET: TEST_CLIENT.clientSecret,
    NOTION_API_BASE_URL: emulator.url,
    NOTION_REDIRECT_URI: REDIRECT_URI,
    NOTION_REQUESTS_PER_SECOND: String(requestsPerSecond),
  }).notion;
}

/** A quiet logger for tests. */
export const quietLog = createLogger({ logLevel: "silent", logPretty: false });

/** An emulator for a fixture, and an API client for it with fast back-off. */
export async function emulatorWithApi(
  fixture: string,
  options: Partial<NotionEmulatorOptions> & { requestsPerSecond?: number; api?: NotionApiOptions } = {},
): Promise<{ emulator: NotionEmulator; api: NotionApi; config: Config["notion"] }> {
  const emulator = await startNotionEmulator({ workspaceFile: fixturePath(fixture), ...options });
  const config = notionConfig(emulator, options.requestsPerSecond);
  return { emulator, config, api: createNotionApi(config, quietLog, { backoffMs: 20, ...options.api }) };
}
