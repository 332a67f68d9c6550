import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionRepository, type ConnectionRepository } from "../../src/db/connections.ts";
import { createTokenCipher } from "../../src/db/token-cipher.ts";
import { UserFacingError } from "../../src/errors.ts";
import { createNotionApi, type NotionApi } from "../../src/notion/client.ts";
import { buildAuthorizeUrl, exchangeCode, refreshGrant } from "../../src/notion/oauth.ts";
import { createNotionTokens, type NotionTokens } from "../../src/notion/tokens.ts";
import { consentOverHttp, type NotionEmulator } from "../emulators/notion/index.ts";
import { capturingLogger } from "../ai/log-capture.ts";
import { openFreshDatabase } from "../harness/postgres.ts";
import { emulatorWithApi, quietLog } from "./setup.ts";
import type { Config } from "../../src/config.ts";

/**
 * A Notion connection's life: access tokens expire and the refresh token issued with each gets
 * a new pair; on leaving, the token is revoked at Notion. Driven through @notionhq/client
 * against the emulator, with the connection stored in Postgres.
 */

let emulator: NotionEmulator;
let config: Config["notion"];
let fresh: Awaited<ReturnType<typeof openFreshDatabase>>;
let connections: ConnectionRepository;
let api: NotionApi;
let tokens: NotionTokens;

beforeAll(async () => {
  ({ emulator, config } = await emulatorWithApi("multi-source"));
  fresh = await openFreshDatabase();
  connections = createConnectionRepository(fresh.db, createTokenCipher([{ id: "primary", key: randomBytes(32).toString("base64") }]));
  api = createNotionApi(config, quietLog, { backoffMs: 1, renewToken: (expired) => tokens.renew(expired) });
  tokens = createNotionTokens({ connections, oauth: config, bindWorkspace: api.bindWorkspace, log: quietLog });
});
afterAll(async () => {
  await emulator?.stop();
  await fresh?.cleanup();
});

/** A person who went through Notion's consent page; their grant stored as the sign-in stores it. */
async function connectedPerson(): Promise<string> {
  const userId = (await fresh.db.prisma.user.create({ data: {} })).id;
  const callback = await consentOverHttp(buildAuthorizeUrl(config, "s"));
  await connections.save(userId, await exchangeCode(config, new URL(callback).searchParams.get("code")!));
  return userId;
}

const refreshRequests = () => emulator.requests.filter((r) => r.method === "POST" && r.path === "/v1/oauth/token").length;

describe("refreshing an expired Notion access token", () => {
  it("stores the refresh token from the token exchange, encrypted", async () => {
    const userId = await connectedPerson();
    const auth = await connections.loadAuth(userId);
    expect(auth!.refreshToken).toBe(emulator.refreshTokenOf(auth!.accessToken));
    const row = await fresh.db.prisma.notionConnection.findUniqueOrThrow({ where: { userId } });
    expect(row.refreshTokenEncrypted).toBeTruthy();
    expect(row.refreshTokenEncrypted).not.toContain(auth!.refreshToken);
  });

  it("refreshes when Notion answers 401, rotates both stored tokens and sends the call again once", async () => {
    const userId = await connectedPerson();
    const before = (await connections.loadAuth(userId))!;
    const token = (await tokens.load(userId))!;
    emulator.expireAccessToken(token);
    const exchanges = refreshRequests();

    const found = await api.searchDataSources(token);

    expect(found.results.length).toBe(emulator.workspace.dataSources.length);
    expect(refreshRequests()).toBe(exchanges + 1);
    const after = (await connections.loadAuth(userId))!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.refreshToken).toBe(emulator.refreshTokenOf(after.accessToken));
    // Later calls made with the old token go straight to the new one.
    const searches = emulator.requests.filter((r) => r.path === "/v1/search").length;
    await api.searchDataSources(token);
    expect(emulator.requests.filter((r) => r.path === "/v1/search").length).toBe(searches + 1);
  });

  it("refreshes once when several calls meet the expired token together", async () => {
    const userId = await connectedPerson();
    const token = (await tokens.load(userId))!;
    emulator.expireAccessToken(token);
    const exchanges = refreshRequests();
    const ids = emulator.workspace.dataSources.map((d) => d.id);
    const sources = await Promise.all(ids.map((id) => api.retrieveDataSource(token, id)));
    expect(sources.map((s) => s.id)).toEqual(ids);
    expect(refreshRequests()).toBe(exchanges + 1);
  });

  it("uses the token another process already refreshed instead of spending the refresh token again", async () => {
    const userId = await connectedPerson();
    const token = (await tokens.load(userId))!;
    // Another process: its own token lifecycle and client over the same table.
    const elsewhere = createNotionTokens({ connections, oauth: config, bindWorkspace: () => undefined, log: quietLog });
    const otherApi = createNotionApi(config, quietLog, { renewToken: (expired) => elsewhere.renew(expired) });
    await elsewhere.load(userId);
    emulator.expireAccessToken(token);
    await otherApi.searchDataSources(token);
    const exchanges = refreshRequests();

    await api.searchDataSources(token);

    expect(refreshRequests()).toBe(exchanges);
  });

  it("uses the pair another process stored when both refreshed at once and Notion refused the second refresh", async () => {
    const userId = await connectedPerson();
    const stale = (await connections.loadAuth(userId))!;
    // This process read the connection just before the other one refreshed and stored a new pair.
    let reads = 0;
    const racing = createNotionTokens({
      connections: { ...connections, loadAuth: async (id) => (reads++ === 1 ? stale : connections.loadAuth(id)) },
      oauth: config,
      bindWorkspace: () => undefined,
      log: quietLog,
    });
    const racingApi = createNotionApi(config, quietLog, { renewToken: (expired) => racing.renew(expired) });
    await racing.load(userId);
    await tokens.load(userId);
    emulator.expireAccessToken(stale.accessToken);
    await api.searchDataSources(stale.accessToken);
    const refreshed = (await connections.loadAuth(userId))!;
    expect(refreshed.accessToken).not.toBe(stale.accessToken);

    const found = await racingApi.searchDataSources(stale.accessToken);

    expect(found.results.length).toBe(emulator.workspace.dataSources.length);
    expect(await connections.loadAuth(userId)).toEqual(refreshed);
  });

    it("gives up with 'Notion access revoked' when Notion refuses the refresh token too", async () => {
    const userId = await connectedPerson();
    const token = (await tokens.load(userId))!;
    emulator.revokeToken(token);
    const error = await api.searchDataSources(token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect((error as UserFacingError).kind).toBe("notion_revoked");
    expect((await connections.loadAuth(userId))!.accessToken).toBe(token);
  });

  it("leaves a connection made without a refresh token to the 401", async () => {
    const userId = (await fresh.db.prisma.user.create({ data: {} })).id;
    const token = emulator.grantToken();
    await connections.save(userId, { accessToken: token, workspaceId: emulator.workspace.id, botId: "bot" });
    await tokens.load(userId);
    emulator.expireAccessToken(token);
    const exchanges = refreshRequests();
    await expect(api.searchDataSources(token)).rejects.toMatchObject({ kind: "notion_revoked" });
    expect(refreshRequests()).toBe(exchanges);
  });
});

describe("revoking the token at Notion", () => {
  it("revokes the stored token: it and its refresh token stop working at Notion", async () => {
    const userId = await connectedPerson();
    const auth = (await connections.loadAuth(userId))!;
    expect(await tokens.revoke(userId)).toBe(true);
    const revoke = emulator.requests.filter((r) => r.method === "POST" && r.path === "/v1/oauth/revoke").at(-1);
    expect(revoke?.body).toEqual({ token: auth.accessToken });
    await expect(api.searchDataSources(auth.accessToken)).rejects.toMatchObject({ kind: "notion_revoked" });
    await expect(refreshGrant(config, auth.refreshToken!)).rejects.toMatchObject({ kind: "bad_request" });
  });

  it("answers false and logs when Notion does not answer, without throwing", async () => {
    const userId = await connectedPerson();
    const { log, lines } = capturingLogger();
    const logged = createNotionTokens({ connections, oauth: config, bindWorkspace: () => undefined, log });
    emulator.failNext({ kind: "503" }, (req) => req.path === "/v1/oauth/revoke");
    expect(await logged.revoke(userId)).toBe(false);
    expect(lines.some((line) => line.level === 50 && /could not revoke/.test(String(line.msg)) && line.userId === userId)).toBe(true);
  });

  it("has nothing to revoke for a person who never connected", async () => {
    const userId = (await fresh.db.prisma.user.create({ data: {} })).id;
    const before = emulator.requests.length;
    expect(await tokens.revoke(userId)).toBe(true);
    expect(emulator.requests.length).toBe(before);
  });
});
