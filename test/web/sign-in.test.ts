import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consentOverHttp, startNotionEmulator, TEST_CLIENT, type NotionEmulator } from "../emulators/notion/index.ts";
import { LOOK_AGAIN_AFTER_MS } from "../../src/chat/sign-in.ts";
import { beginSignIn, headingOf } from "./flow.ts";
import { startLinkingSite, type LinkingSite } from "./linking-site.ts";

const WORKSPACE = path.resolve(import.meta.dirname, "../fixtures/workspaces/multi-source.json");

let notion: NotionEmulator;
let site: LinkingSite;
let ids: Record<string, string>;

beforeAll(async () => {
  notion = await startNotionEmulator({ workspaceFile: WORKSPACE });
  site = await startLinkingSite({ notionUrl: notion.url, notionClient: TEST_CLIENT });
  ids = Object.fromEntries(notion.workspace.dataSources.map((d) => [d.title, d.id]));
});
afterAll(async () => {
  await site?.close();
  await notion?.stop();
});

/** A person opens a fresh link, ticks `titles` on Notion's page and presses Allow; returns Notion's redirect back to us. */
async function consent(identityId: string, titles = ["Recipes", "🍹 Drinks"]) {
  const signIn = await beginSignIn(site, identityId);
  const callback = await consentOverHttp(signIn.authorizeUrl.toString(), { dataSourceIds: titles.map((t) => ids[t]!) });
  expect(callback.startsWith(`${site.url}/oauth/notion/callback?`)).toBe(true);
  return { ...signIn, callback, browserNonce: signIn.visitor.cookieJar().get("reelnotes_link")! };
}

async function allRowsAsText(): Promise<string> {
  const tables = ["User", "ChatIdentity", "NotionConnection", "NotionSchema", "Job"];
  const texts = await Promise.all(tables.map((t) => site.db.sql.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${t}" t`)));
  return texts.flatMap((r) => r.rows.map((x) => x.row)).join("\n");
}

describe("linking a Notion workspace", () => {
  it("stores the token encrypted, syncs the ticked databases, tells the chat and names them on the page", async () => {
    const ada = await site.newIdentity();
    const { visitor, callback } = await consent(ada.identityId);
    const done = await visitor.get(callback);

    expect(done.status).toBe(200);
    expect(headingOf(done.html)).toBe("Notion connected");
    expect(done.html).toContain("Shared kitchen");
    expect(done.html).toContain("Recipes — <code>/tag recipes</code>");
    expect(done.html).toContain("🍹 Drinks");
    expect(done.html).not.toContain("recipes!");
    expect(done.html).toContain('<a class="button" href="https://t.me/reelnotes_test_bot">Back to Telegram</a>');

    const schemas = await site.db.prisma.notionSchema.findMany({ where: { userId: ada.userId }, orderBy: { title: "asc" } });
    expect(schemas.map((s) => s.dataSourceId).sort()).toEqual([ids["Recipes"], ids["🍹 Drinks"]].sort());
    expect(site.notified).toContainEqual([
      ada.identityId,
      { workspaceName: "Shared kitchen", databases: expect.arrayContaining(schemas.map((s) => ({ title: s.title, tag: s.tag }))) },
    ]);

    const connection = await site.db.prisma.notionConnection.findUniqueOrThrow({ where: { userId: ada.userId } });
    expect(connection.workspaceId).toBe(notion.workspace.id);
    expect(connection.tokenKeyId).toBe("primary");
    const token = await site.repos.connections.loadAccessToken(ada.userId);
    expect(token).toBeTruthy();
    const everything = await allRowsAsText();
    expect(everything).toContain(connection.accessTokenEncrypted);
    expect(everything).not.toContain(token!);
    expect(everything).not.toContain(Buffer.from(token!).toString("base64"));
    expect(everything).not.toContain(Buffer.from(token!).toString("hex"));
    // Notion's owner object (the emulated person's name and e-mail) is not kept: nothing uses it.
    expect(everything).not.toContain("person@example.com");
    expect(everything).not.toContain("Emulated Person");
  });

  it("says the bot is still looking while Notion's search lags after consent, looks again on its own with growing pauses, then names the databases", async () => {
    notion.lagSearchAfterConsent(2);
    try {
      const ada = await site.newIdentity();
      const { visitor, callback } = await consent(ada.identityId);
      const done = await visitor.get(callback);

      expect(done.status).toBe(200);
      expect(done.html).toContain("The bot keeps looking");
      expect(done.html).not.toContain("We found no databases");
      expect(site.stillLooking).toContainEqual([ada.identityId, { workspaceName: "Shared kitchen" }]);
      expect(site.notified.filter(([id]) => id === ada.identityId)).toEqual([]);

      const first = site.lookAgain.shift()!;
      await first.run();
      expect(site.notified.filter(([id]) => id === ada.identityId)).toEqual([]);
      const second = site.lookAgain.shift()!;
      expect(second.delayMs).toBeGreaterThan(first.delayMs);
      await second.run();

      expect(site.lookAgain).toEqual([]);
      const told = site.notified.filter(([id]) => id === ada.identityId);
      expect(told).toEqual([[ada.identityId, { workspaceName: "Shared kitchen", databases: expect.arrayContaining([expect.objectContaining({ title: "Recipes" })]) }]]);
      expect(told[0]![1].databases).toHaveLength(2);
      expect(await site.db.prisma.notionSchema.count({ where: { userId: ada.userId } })).toBe(2);
    } finally {
      notion.lagSearchAfterConsent(0);
    }
  });

  it("stops looking after a bounded number of looks and only then says no databases were shared", async () => {
    notion.lagSearchAfterConsent(100);
    try {
      const ada = await site.newIdentity();
      const { visitor, callback } = await consent(ada.identityId);
      await visitor.get(callback);
      let looks = 0;
      while (site.lookAgain.length > 0) {
        expect(site.notified.filter(([id]) => id === ada.identityId)).toEqual([]);
        await site.lookAgain.shift()!.run();
        looks += 1;
      }
      expect(looks).toBe(LOOK_AGAIN_AFTER_MS.length);
      expect(site.notified.filter(([id]) => id === ada.identityId)).toEqual([[ada.identityId, { workspaceName: "Shared kitchen", databases: [] }]]);
    } finally {
      notion.lagSearchAfterConsent(0);
    }
  });

  it("linking again replaces the old token in the same row", async () => {
    const ada = await site.newIdentity();
    const first = await consent(ada.identityId);
    await first.visitor.get(first.callback);
    const oldToken = await site.repos.connections.loadAccessToken(ada.userId);
    const second = await consent(ada.identityId, ["Recipes"]);
    expect((await second.visitor.get(second.callback)).status).toBe(200);
    expect(await site.db.prisma.notionConnection.count({ where: { userId: ada.userId } })).toBe(1);
    expect(await site.repos.connections.loadAccessToken(ada.userId)).not.toBe(oldToken);
  });

  it("refuses the same callback replayed after a successful link, and changes nothing", async () => {
    const ada = await site.newIdentity();
    const { visitor, callback } = await consent(ada.identityId);
    const cookies = visitor.cookieJar();
    expect((await visitor.get(callback)).status).toBe(200);
    const before = await site.snapshot();
    const tokenRequests = notion.requests.filter((r) => r.path === "/v1/oauth/token").length;
    visitor.adopt(cookies);
    const replay = await visitor.get(callback);
    expect(replay.status).toBe(400);
    expect(headingOf(replay.html)).toBe("This link was already used");
    expect(await site.snapshot()).toBe(before);
    expect(notion.requests.filter((r) => r.path === "/v1/oauth/token")).toHaveLength(tokenRequests);
  });

  it("shows 'Notion is not answering' when the token exchange meets a 503, and changes nothing", async () => {
    const ada = await site.newIdentity();
    const { visitor, callback } = await consent(ada.identityId);
    const before = await site.snapshot();
    const notified = site.notified.length;
    notion.failNext({ kind: "503" }, (req) => req.path === "/v1/oauth/token");
    const res = await visitor.get(callback);
    expect(res.status).toBe(503);
    expect(headingOf(res.html)).toBe("Notion is not answering");
    expect(res.html).toContain("send /start to the bot");
    expect(await site.snapshot()).toBe(before);
    expect(site.notified).toHaveLength(notified);
  });

  it("shows 'Notion did not confirm' when Notion refuses the code, and changes nothing", async () => {
    const ada = await site.newIdentity();
    const { visitor, callback } = await consent(ada.identityId);
    const forged = new URL(callback);
    forged.searchParams.set("code", "0".repeat(32));
    const before = await site.snapshot();
    const res = await visitor.get(forged.toString());
    expect(res.status).toBe(502);
    expect(headingOf(res.html)).toBe("Notion did not confirm the connection");
    expect(await site.snapshot()).toBe(before);
  });

  it("still links, and says so, when Notion will not list the databases afterwards", async () => {
    const ada = await site.newIdentity();
    const { visitor, callback } = await consent(ada.identityId);
    // Retry-After: 0 lets the client's retries run out at once instead of backing off for seconds.
    for (let i = 0; i < 10; i++) notion.failNext({ kind: "429", retryAfterSeconds: 0 }, (req) => req.path === "/v1/search");
    const res = await visitor.get(callback);
    notion.behaviour.queuedFaults.length = 0;
    expect(res.status).toBe(200);
    expect(headingOf(res.html)).toBe("Notion connected");
    expect(res.html).toContain("Notion did not let us list your databases just now. Send /tag in the chat");
    expect(await site.repos.connections.loadAccessToken(ada.userId)).toBeTruthy();
    expect(await site.db.prisma.notionSchema.count({ where: { userId: ada.userId } })).toBe(0);
    expect(site.notified).toContainEqual([ada.identityId, { workspaceName: "Shared kitchen", databases: [] }]);
  });

  it("shows the denial page when the person presses Cancel, and changes nothing", async () => {
    const ada = await site.newIdentity();
    const signIn = await beginSignIn(site, ada.identityId);
    const callback = await consentOverHttp(signIn.authorizeUrl.toString(), { cancel: true });
    const before = await site.snapshot();
    const res = await signIn.visitor.get(callback);
    expect(res.status).toBe(200);
    expect(headingOf(res.html)).toBe("Notion was not connected");
    expect(await site.snapshot()).toBe(before);
  });

  it("never writes a token, code, state, cookie, connect link or key into the log", async () => {
    const ada = await site.newIdentity();
    const link = await site.connectLink(ada.identityId);
    const signIn = await beginSignIn(site, ada.identityId);
    const callback = await consentOverHttp(signIn.authorizeUrl.toString(), { all: true });
    const browserNonce = signIn.visitor.cookieJar().get("reelnotes_link")!;
    await signIn.visitor.get(callback);
    const replayed = await signIn.visitor.get(callback);
    expect(replayed.status).toBe(400);
    await signIn.visitor.get(link);
    await signIn.visitor.get(link);
    const secrets = {
      connectToken: link.split("/connect/")[1]!,
      state: signIn.state,
      browserNonce,
      code: new URL(callback).searchParams.get("code")!,
      accessToken: (await site.repos.connections.loadAccessToken(ada.userId))!,
      encryptionKey: site.encryptionKey,
      clientSecret: TEST_CLIENT.clientSecret,
    };
    // Every token this file ever linked, too: the log holds all of the file's flows.
    const rows = await site.db.prisma.notionConnection.findMany();
    const allTokens = rows.map((r) => site.cipher.decrypt(r.accessTokenEncrypted, r.tokenKeyId));
    expect(allTokens.length).toBeGreaterThan(3);
    const log = site.logLines.join("");
    for (const token of allTokens) expect(log.includes(token), "an access token appears in the log").toBe(false);
    expect(log).toContain("notion connected");
    expect(log).toContain("/oauth/notion/callback?");
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(8);
      expect(log.includes(secret), `${name} appears in the log`).toBe(false);
    }
  });
});
