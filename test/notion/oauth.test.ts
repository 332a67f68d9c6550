import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserFacingError } from "../../src/errors.ts";
import { tagFromTitle } from "../../src/db/schema-tags.ts";
import { discoverDataSources } from "../../src/notion/discovery.ts";
import { buildAuthorizeUrl, exchangeCode, refreshGrant } from "../../src/notion/oauth.ts";
import { consentOverHttp, type NotionEmulator } from "../emulators/notion/index.ts";
import { emulatorWithApi, REDIRECT_URI } from "./setup.ts";
import type { Config } from "../../src/config.ts";
import type { NotionApi } from "../../src/notion/client.ts";

let emulator: NotionEmulator;
let config: Config["notion"];
let api: NotionApi;

beforeAll(async () => {
  ({ emulator, config, api } = await emulatorWithApi("multi-source"));
});
afterAll(() => emulator.stop());

function codeOf(callback: string): string {
  const url = new URL(callback);
  expect(url.origin + url.pathname).toBe(REDIRECT_URI);
  return url.searchParams.get("code")!;
}

describe("connecting a workspace", () => {
  it("builds Notion's authorize URL with owner=user and the state", () => {
    const url = new URL(buildAuthorizeUrl(config, "st4te"));
    expect(url.origin + url.pathname).toBe(`${emulator.url}/v1/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: "reelnotes-test-client",
      response_type: "code",
      owner: "user",
      redirect_uri: REDIRECT_URI,
      state: "st4te",
    });
  });

  it("shows a consent page listing every data source with a labelled check box", async () => {
    const html = await (await fetch(buildAuthorizeUrl(config, "s"))).text();
    for (const ds of emulator.workspace.dataSources) {
      expect(html).toContain(`<label for="ds-${ds.id}">`);
    }
    expect(html).toContain(">Allow access</button>");
    expect(html).toContain(">Cancel</button>");
  });

  it("exchanges the code for a grant that sees only the ticked data sources", async () => {
    const [first, , third] = emulator.workspace.dataSources;
    const callback = await consentOverHttp(buildAuthorizeUrl(config, "abc"), { dataSourceIds: [first!.id, third!.id] });
    expect(new URL(callback).searchParams.get("state")).toBe("abc");
    const grant = await exchangeCode(config, codeOf(callback));
    expect(grant).toMatchObject({ workspaceId: emulator.workspace.id, workspaceName: "Shared kitchen" });
    expect(grant.accessToken).toMatch(/^ntn_/);
    expect(grant.botId).toBeTruthy();
    const sources = await discoverDataSources(api, grant.accessToken);
    expect(sources.map((s) => s.title).sort()).toEqual(["Recipes", "🍹 Drinks"].sort());
    expect(sources.find((s) => s.title === "Recipes")!.properties.Source).toMatchObject({ type: "url", name: "Source" });
  });

  it("refuses a code used twice", async () => {
    const code = codeOf(await consentOverHttp(buildAuthorizeUrl(config, "x")));
    await exchangeCode(config, code);
    const error = await exchangeCode(config, code).catch((e) => e);
    expect(error).toBeInstanceOf(UserFacingError);
    expect(error.kind).toBe("bad_request");
  });

  it("reports a wrong client secret as a server set-up problem", async () => {
    const code = codeOf(await consentOverHttp(buildAuthorizeUrl(config, "x")));
    await expect(exchangeCode({ ...config, clientSecret: "wrong" }, code)).rejects.toMatchObject({ kind: "not_configured" });
  });

  it("trades a refresh token for a new pair once; the old access and refresh tokens stop working", async () => {
    const first = await exchangeCode(config, codeOf(await consentOverHttp(buildAuthorizeUrl(config, "r"))));
    expect(first.refreshToken).toBeTruthy();
    const second = await refreshGrant(config, first.refreshToken!);
    expect(second).toMatchObject({ workspaceId: first.workspaceId, botId: first.botId });
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await discoverDataSources(api, second.accessToken)).length).toBe(3);
    await expect(discoverDataSources(api, first.accessToken)).rejects.toMatchObject({ kind: "notion_revoked" });
    await expect(refreshGrant(config, first.refreshToken!)).rejects.toMatchObject({ kind: "bad_request" });
  });

  it("answers an expired access token 401 unauthorized, and its refresh token still works", async () => {
    const grant = await exchangeCode(config, codeOf(await consentOverHttp(buildAuthorizeUrl(config, "e"))));
    emulator.expireAccessToken(grant.accessToken);
    const answer = await fetch(`${emulator.url}/v1/search`, {
      method: "POST",
      headers: { Authorization: `Bearer ${grant.accessToken}`, "Notion-Version": "2025-09-03", "Content-Type": "application/json" },
      body: "{}",
    });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ object: "error", code: "unauthorized" });
    expect((await refreshGrant(config, grant.refreshToken!)).accessToken).toBeTruthy();
  });

  it("sends error=access_denied with the state when the person cancels", async () => {
    const callback = new URL(await consentOverHttp(buildAuthorizeUrl(config, "keep-me"), { cancel: true }));
    expect(Object.fromEntries(callback.searchParams)).toEqual({ error: "access_denied", state: "keep-me" });
  });
});

describe("discovery", () => {
  it("pages through search results", async () => {
    const token = emulator.grantToken();
    const sources = await discoverDataSources(api, token);
    expect(sources).toHaveLength(3);
    const searches = emulator.requests.filter((r) => r.path === "/v1/search" && (r.body as { filter?: { value?: string } })?.filter?.value === "data_source");
    expect(searches.length).toBeGreaterThan(0);
  });

  it.each([
    ["🍳 Recipes", "recipes"],
    ["レシピ", "レシピ"],
    ["📺 Watch later!", "watch-later"],
    ["Рецепты", "рецепты"],
    ["Odd.names/and \"quotes\"", "odd-names-and-quotes"],
    ["🍹", "untitled"],
    ["हिन्दी नोट्स", "हिन्दी-नोट्स"],
  ])("tags %s as %s", (title, tag) => {
    expect(tagFromTitle(title)).toBe(tag);
  });
});
