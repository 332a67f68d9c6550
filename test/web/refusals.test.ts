import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { beginSignIn, callbackUrl, expireKeys, headingOf } from "./flow.ts";
import { startLinkingSite, type LinkingSite } from "./linking-site.ts";
import { Visitor } from "./visitor.ts";

// Nothing listens on this port: a refusal that reached Notion would show "Notion is not answering" instead.
const NOWHERE = "http://127.0.0.1:9";

let site: LinkingSite;
let ada: { identityId: string; userId: string };
let before: string;

beforeAll(async () => {
  site = await startLinkingSite({ notionUrl: NOWHERE, notionClient: { clientId: "client-refusals", clientSecret: "secret-refusals" } });
  ada = await site.newIdentity();
});
afterAll(() => site?.close());
beforeEach(async () => {
  before = await site.snapshot();
});

async function expectRefused(response: { status: number; html: string }, heading: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(headingOf(response.html)).toBe(heading);
  expect(response.html).toContain("send /start to the bot");
  expect(await site.snapshot()).toBe(before);
  expect(site.notified).toEqual([]);
}

describe("the connect link", () => {
  it("sends the person to Notion's consent page with a fresh state and an HttpOnly, SameSite=Lax browser cookie", async () => {
    const visitor = new Visitor();
    const opened = await visitor.get(await site.connectLink(ada.identityId));
    expect(opened.status).toBe(302);
    const to = new URL(opened.location!);
    expect(to.origin + to.pathname).toBe(`${NOWHERE}/v1/oauth/authorize`);
    expect(to.searchParams.get("client_id")).toBe("client-refusals");
    expect(to.searchParams.get("redirect_uri")).toBe(`${site.url}/oauth/notion/callback`);
    expect(to.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = opened.headers.getSetCookie().join("\n");
    expect(cookie).toMatch(/reelnotes_link=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/oauth\/notion\/callback; .*HttpOnly; SameSite=Lax/);
    expect(opened.headers.get("cache-control")).toBe("no-store");
    expect(opened.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await site.snapshot()).toBe(before);
  });

  it("is not spent by a HEAD request: the person's GET afterwards still goes to Notion", async () => {
    const link = await site.connectLink(ada.identityId);
    const head = await fetch(link, { method: "HEAD", redirect: "manual" });
    expect(head.status).toBe(200);
    expect((await new Visitor().get(link)).status).toBe(302);
  });

  it("lets nothing in the request choose where it redirects", async () => {
    const link = await site.connectLink(ada.identityId);
    const opened = await new Visitor().get(`${link}?redirect_uri=https://evil.example/&next=https://evil.example/&state=mine`);
    const to = new URL(opened.location!);
    expect(to.origin).toBe(NOWHERE);
    expect(to.searchParams.get("redirect_uri")).toBe(`${site.url}/oauth/notion/callback`);
    expect(to.searchParams.get("state")).not.toBe("mine");
    expect(opened.location).not.toContain("evil");
  });

  it("refuses a link opened a second time with the 'already used' page and changes nothing", async () => {
    const link = await site.connectLink(ada.identityId);
    expect((await new Visitor().get(link)).status).toBe(302);
    before = await site.snapshot();
    await expectRefused(await new Visitor().get(link), "This link was already used");
  });

  it("refuses an expired link with the 'expired' page and changes nothing", async () => {
    const link = await site.connectLink(ada.identityId);
    expect(await expireKeys(site, "connect:*")).toBeGreaterThan(0);
    await expectRefused(await new Visitor().get(link), "This link has expired");
  });

  it("refuses a link it never issued, or a malformed one, with the 'expired' page", async () => {
    await expectRefused(await new Visitor().get(`${site.url}/connect/${"x".repeat(43)}`), "This link has expired");
    await expectRefused(await new Visitor().get(`${site.url}/connect/%3Cscript%3E`), "This link has expired");
  });
});

describe("the OAuth callback", () => {
  it("refuses a missing state and changes nothing", async () => {
    const { visitor } = await beginSignIn(site, ada.identityId);
    await expectRefused(await visitor.get(callbackUrl(site, { code: "code-1" })), "This link has expired");
  });

  it("refuses an unknown state and changes nothing", async () => {
    const { visitor } = await beginSignIn(site, ada.identityId);
    await expectRefused(await visitor.get(callbackUrl(site, { code: "code-1", state: "b".repeat(43) })), "This link has expired");
  });

  it("refuses a state repeated as several parameters and changes nothing", async () => {
    const { visitor, state } = await beginSignIn(site, ada.identityId);
    await expectRefused(await visitor.get(`${site.url}/oauth/notion/callback?code=c&state=${state}&state=${state}`), "This link has expired");
  });

  it("refuses an expired state and changes nothing", async () => {
    const { visitor, state } = await beginSignIn(site, ada.identityId);
    expect(await expireKeys(site, "oauth-state:*")).toBeGreaterThan(0);
    await expectRefused(await visitor.get(callbackUrl(site, { code: "code-1", state })), "This link has expired");
  });

  it("refuses a replayed state and changes nothing", async () => {
    const { visitor, state } = await beginSignIn(site, ada.identityId);
    const cookies = visitor.cookieJar();
    const first = await visitor.get(callbackUrl(site, { error: "access_denied", state }));
    expect(headingOf(first.html)).toBe("Notion was not connected");
    visitor.adopt(cookies);
    await expectRefused(await visitor.get(callbackUrl(site, { code: "code-1", state })), "This link was already used");
  });

  it("refuses the state of another identity brought to this browser, and changes nothing", async () => {
    const bob = await site.newIdentity();
    before = await site.snapshot();
    const victim = await beginSignIn(site, ada.identityId);
    const attacker = await beginSignIn(site, bob.identityId);
    // The attacker lures Ada's browser to a callback carrying the attacker's own state.
    await expectRefused(await victim.visitor.get(callbackUrl(site, { code: "attacker-code", state: attacker.state })), "This sign-in started somewhere else");
  });

  it("refuses a state brought by a browser without the sign-in cookie, and changes nothing", async () => {
    const { state } = await beginSignIn(site, ada.identityId);
    await expectRefused(await new Visitor().get(callbackUrl(site, { code: "code-1", state })), "This sign-in started somewhere else");
  });

  it("shows the denial page when the person cancels on Notion, with a button back to the chat", async () => {
    const { visitor, state } = await beginSignIn(site, ada.identityId);
    const denied = await visitor.get(callbackUrl(site, { error: "access_denied", state }));
    expect(denied.status).toBe(200);
    expect(headingOf(denied.html)).toBe("Notion was not connected");
    expect(denied.html).toContain('href="https://t.me/reelnotes_test_bot"');
    expect(denied.headers.getSetCookie().join()).toMatch(/reelnotes_link=;/);
    expect(await site.snapshot()).toBe(before);
  });

  it("sends a Discord user back to their direct messages with the bot", async () => {
    const eve = await site.newIdentity("DISCORD");
    const dmChatId = (await site.db.prisma.chatIdentity.findUniqueOrThrow({ where: { id: eve.identityId } })).dmChatId;
    const { visitor, state } = await beginSignIn(site, eve.identityId);
    const denied = await visitor.get(callbackUrl(site, { error: "access_denied", state }));
    expect(denied.html).toContain(`<a class="button" href="https://discord.com/channels/@me/${dmChatId}">Back to Discord</a>`);
  });

  it("never shows a stack trace, even for a request it cannot parse", async () => {
    const res = await new Visitor().get(`${site.url}/oauth/notion/callback?state=%E0%A4%A`);
    expect(res.status).toBeLessThan(500);
    expect(res.html).not.toMatch(/at .*\.ts:\d+|Error:/);
  });
});
