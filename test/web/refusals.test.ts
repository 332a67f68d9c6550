import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { beginSignIn, callbackUrl, expireKeys, headingOf } from "./flow.ts";
import { startLinkingSite, type LinkingSite } from "./linking-site.ts";
import { refreshTargetOf, Visitor } from "./visitor.ts";

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
  it("asks first: opening it shows a page naming the chat account with a button, and spends nothing", async () => {
    const link = await site.connectLink(ada.identityId);
    const visitor = new Visitor();
    const opened = await visitor.get(link);
    expect(opened.status).toBe(200);
    expect(headingOf(opened.html)).toBe("Connect Notion to Telegram user @ada?");
    expect(opened.html).toContain('<form method="post" action="/connect">');
    expect(opened.html).toContain('<button class="button" type="submit">Yes, connect Notion</button>');
    expect(opened.headers.getSetCookie().join("\n")).toMatch(/reelnotes_confirm=[A-Za-z0-9_-]{43}; Max-Age=900; Path=\/connect; .*HttpOnly; SameSite=Strict/);
    expect(opened.headers.get("cache-control")).toBe("no-store");
    // A link-preview bot's GET, then the person's own: both see the question, the link still works.
    expect((await new Visitor().get(link)).status).toBe(200);
    expect((await visitor.confirmConnectLink(link)).authorizeUrl).toBeDefined();
    expect(await site.snapshot()).toBe(before);
  });

  it("asks in the person's language, and names the account even without a handle", async () => {
    const ana = await site.newIdentity("DISCORD", { displayName: "@ana", locale: "es-419" });
    const es = await new Visitor().get(await site.connectLink(ana.identityId));
    expect(es.html).toMatch(/^<!doctype html>\n<html lang="es">/);
    expect(headingOf(es.html)).toBe("¿Conectar Notion al usuario de Discord @ana?");
    expect(es.html).toContain("Sí, conectar Notion");
    const nameless = await site.newIdentity("TELEGRAM", { displayName: null, locale: "de" });
    expect(headingOf((await new Visitor().get(await site.connectLink(nameless.identityId))).html)).toBe("Notion mit diesem Telegram-Konto verbinden?");
  });

  it("sends the person on to Notion's consent page once they confirm, with a fresh state and an HttpOnly, SameSite=Lax browser cookie", async () => {
    const { continued, authorizeUrl } = await new Visitor().confirmConnectLink(await site.connectLink(ada.identityId));
    expect(continued.status).toBe(200);
    const to = authorizeUrl!;
    expect(to.origin + to.pathname).toBe(`${NOWHERE}/v1/oauth/authorize`);
    expect(to.searchParams.get("client_id")).toBe("client-refusals");
    expect(to.searchParams.get("redirect_uri")).toBe(`${site.url}/oauth/notion/callback`);
    expect(to.searchParams.get("state")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = continued.headers.getSetCookie().join("\n");
    expect(cookie).toMatch(/reelnotes_link=[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/oauth\/notion\/callback; .*HttpOnly; SameSite=Lax/);
    expect(continued.headers.get("cache-control")).toBe("no-store");
    expect(continued.headers.get("referrer-policy")).toBe("no-referrer");
    expect(await site.snapshot()).toBe(before);
  });

  it("is not spent by a HEAD request: the person's confirmation afterwards still goes to Notion", async () => {
    const link = await site.connectLink(ada.identityId);
    const head = await fetch(link, { method: "HEAD", redirect: "manual" });
    expect(head.status).toBe(200);
    expect((await new Visitor().confirmConnectLink(link)).authorizeUrl).toBeDefined();
  });

  it("does not take a confirmation sent from another site or another browser: it asks again and spends nothing", async () => {
    const link = await site.connectLink(ada.identityId);
    const person = new Visitor();
    const page = await person.get(link);
    // Another site's auto-submitted form: the token is known, the SameSite=Strict cookie is not sent.
    const forged = await new Visitor().submitForm(link, page.html);
    expect(forged.status).toBe(403);
    expect(headingOf(forged.html)).toBe("Connect Notion to Telegram user @ada?");
    // The person's own browser with a made-up nonce.
    expect((await person.submitForm(link, page.html, { confirm: "x".repeat(43) })).status).toBe(403);
    expect(await site.snapshot()).toBe(before);
    const pressed = await person.submitForm(link, page.html);
    expect(pressed.status).toBe(200);
    expect(pressed.html).toContain('<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/v1/oauth/authorize?');
  });

  it("lets nothing in the request choose where it goes", async () => {
    const link = await site.connectLink(ada.identityId);
    const visitor = new Visitor();
    const page = await visitor.get(`${link}?redirect_uri=https://evil.example/&next=https://evil.example/&state=mine`);
    const continued = await visitor.submitForm(link, page.html, { redirect_uri: "https://evil.example/", state: "mine" });
    const to = new URL(refreshTargetOf(continued.html)!);
    expect(to.origin).toBe(NOWHERE);
    expect(to.searchParams.get("redirect_uri")).toBe(`${site.url}/oauth/notion/callback`);
    expect(to.searchParams.get("state")).not.toBe("mine");
    expect(continued.html).not.toContain("evil");
  });

  it("refuses a link confirmed once already, opened or confirmed again, with the 'already used' page and changes nothing", async () => {
    const link = await site.connectLink(ada.identityId);
    const visitor = new Visitor();
    const { confirmation } = await visitor.confirmConnectLink(link);
    before = await site.snapshot();
    await expectRefused(await new Visitor().get(link), "This link was already used");
    await expectRefused(await visitor.submitForm(link, confirmation.html), "This link was already used");
  });

  it("refuses an expired link with the 'expired' page and changes nothing", async () => {
    const link = await site.connectLink(ada.identityId);
    const visitor = new Visitor();
    const page = await visitor.get(link);
    expect(await expireKeys(site, "connect:*")).toBeGreaterThan(0);
    await expectRefused(await visitor.get(link), "This link has expired");
    await expectRefused(await visitor.submitForm(link, page.html), "This link has expired");
  });

  it("refuses a link it never issued, or a malformed one, with the 'expired' page", async () => {
    await expectRefused(await new Visitor().get(`${site.url}/connect/${"x".repeat(43)}`), "This link has expired");
    await expectRefused(await new Visitor().get(`${site.url}/connect/%3Cscript%3E`), "This link has expired");
    await expectRefused(await new Visitor().post(`${site.url}/connect`, { token: "<script>", confirm: "" }), "This link has expired");
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
