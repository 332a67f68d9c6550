import { once } from "node:events";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { translator } from "../../src/i18n/index.ts";
import { createLogger } from "../../src/log.ts";
import { createWebApp } from "../../web-oauth/app.ts";
import { mountFrontDoor, type FrontDoorFacts } from "../../web-oauth/front-door.ts";
import { readPng } from "./screenshot.ts";

/** The front door (/, /privacy, /terms) over HTTP and in Debian's Chromium at a phone's and a desktop's width. */

const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts");
// A link with characters that must be escaped in an attribute: the page shows it, never breaks on it.
const FACTS: FrontDoorFacts = { botLinks: { telegram: "https://t.me/reelnotes_test_bot?start=a&b=\"x\"", discord: "https://discord.com/users/1234" }, textRetentionDays: 30, maxLinksPerHour: 30 };

let server: Server;
let base: string;
let profileDir: string;
let browser: BrowserContext;

beforeAll(async () => {
  const app = createWebApp({ log: createLogger({ logLevel: "silent", logPretty: false }), readiness: [], mount: (site) => mountFrontDoor(site, FACTS) });
  server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await mkdir(ARTIFACTS, { recursive: true });
  profileDir = await mkdtemp(path.join(tmpdir(), "reelnotes-chromium-"));
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    deviceScaleFactor: 1,
  });
});
afterAll(async () => {
  await browser?.close();
  server?.close();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

describe("the front door over HTTP", () => {
  it("answers /, /privacy and /terms with 200, a page, helmet's CSP and the bot links escaped", async () => {
    for (const route of ["/", "/privacy", "/terms"]) {
      const answer = await fetch(`${base}${route}`);
      expect(answer.status, route).toBe(200);
      expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
      expect(answer.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(await answer.text()).toMatch(/^<!doctype html>/);
    }
    const home = await (await fetch(`${base}/`)).text();
    expect(home).toContain('href="https://t.me/reelnotes_test_bot?start=a&amp;b=&quot;x&quot;"');
    expect(home).toContain('href="https://discord.com/users/1234"');
    expect(home).not.toContain("<script");
  });

  it("says what is stored, for how long and how to delete it, in the visitor's language", async () => {
    const privacy = await (await fetch(`${base}/privacy`, { headers: { "accept-language": "es-ES,es;q=0.9,en;q=0.5" } })).text();
    const es = translator("es");
    expect(privacy).toContain('<html lang="es">');
    expect(privacy).toContain(es("site.privacyRetention", { count: 30 }));
    expect(privacy).toContain("/forget");
    expect(privacy).toContain("/disconnect");
    const terms = await (await fetch(`${base}/terms`, { headers: { "accept-language": "fr-FR, de;q=0.8" } })).text();
    expect(terms).toContain(translator("de")("site.termsLimit", { count: 30 }));
    expect(await (await fetch(`${base}/`, { headers: { "accept-language": "fr" } })).text()).toContain(translator("en")("site.homeTitle"));
  });
});

describe("the front door in Chromium", () => {
  for (const { name, width, height } of [
    { name: "phone", width: 390, height: 844 },
    { name: "desktop", width: 1280, height: 800 },
  ]) {
    it(`lays out the home and privacy pages at ${name} width (${width}px) with the style CSP allows`, async () => {
      const page = await browser.newPage();
      await page.setViewportSize({ width, height });
      const refused: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) refused.push(message.text());
      });
      for (const route of ["/", "/privacy"]) {
        await page.goto(`${base}${route}`);
        const shot = path.join(ARTIFACTS, `front-door${route === "/" ? "-home" : route.replace("/", "-")}-${name}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        const png = await readPng(shot);
        expect(png.width).toBe(width);
        expect(png.height).toBeGreaterThanOrEqual(height);
        expect(png.distinctRows).toBeGreaterThan(20);
        // Nothing wider than the screen: no sideways scrolling on a phone.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      }
      await page.goto(`${base}/`);
      const button = page.getByRole("link", { name: "Open the bot on Telegram" });
      // The inline style applied (CSP allows it): the button is the site's blue.
      expect(await button.evaluate((a) => getComputedStyle(a).backgroundColor)).toBe("rgb(11, 87, 208)");
      expect(await page.getByRole("link", { name: "Open the bot on Discord" }).getAttribute("href")).toBe("https://discord.com/users/1234");
      await page.getByRole("link", { name: "Privacy" }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Privacy");
      expect(refused).toEqual([]);
      await page.close();
    });
  }
});
