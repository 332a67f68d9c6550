import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNotionEmulator, TEST_CLIENT, type NotionEmulator } from "../emulators/notion/index.ts";
import { startLinkingSite, type LinkingSite } from "./linking-site.ts";
import { readPng } from "./screenshot.ts";

/**
 * The whole linking flow in Debian's Chromium, headless and offline, at a phone's size.
 * Notion is reached as "localhost" and the site as "127.0.0.1": two different sites, so the
 * SameSite=Lax sign-in cookie is really carried across a cross-site redirect.
 */

const WORKSPACE = path.resolve(import.meta.dirname, "../fixtures/workspaces/multi-source.json");
const ARTIFACTS = path.resolve(import.meta.dirname, "../../test-artifacts");
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let notion: NotionEmulator;
let site: LinkingSite;
let profileDir: string;
let browser: BrowserContext;

beforeAll(async () => {
  notion = await startNotionEmulator({ workspaceFile: WORKSPACE });
  site = await startLinkingSite({ notionUrl: `http://localhost:${notion.port}`, notionClient: TEST_CLIENT });
  await mkdir(ARTIFACTS, { recursive: true });
  profileDir = await mkdtemp(path.join(tmpdir(), "reelnotes-chromium-"));
  // A persistent context is how playwright takes a fresh --user-data-dir of our choosing.
  browser = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
  });
});
afterAll(async () => {
  await browser?.close();
  await site?.close();
  await notion?.stop();
  if (profileDir) await rm(profileDir, { recursive: true, force: true });
});

/** Opens a fresh connect link, confirms the chat account and waits on Notion's consent page. */
async function openConnectLink(): Promise<Page> {
  const ada = await site.newIdentity();
  const page = await browser.newPage();
  await page.goto(await site.connectLink(ada.identityId));
  await page.getByRole("button", { name: "Yes, connect Notion" }).click();
  await page.waitForURL((url) => url.href.startsWith(`http://localhost:${notion.port}/v1/oauth/authorize?`));
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Connect to Shared kitchen");
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  const png = await readPng(file);
  expect(png.width).toBe(390);
  expect(png.height).toBeGreaterThanOrEqual(400);
  expect(png.bytes).toBeGreaterThan(5_000);
  expect(png.distinctRows).toBeGreaterThan(20);
}

async function fitsThePhone(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  expect(await page.getAttribute("html", "lang")).toBe("en");
}

describe("linking in a real browser", () => {
  it("asks whether the chat account is theirs before anything is spent, then goes on to Notion's consent page", async () => {
    const ada = await site.newIdentity();
    const link = await site.connectLink(ada.identityId);
    const page = await browser.newPage();
    const blocked: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) blocked.push(message.text());
    });
    await page.goto(link);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Connect Notion to Telegram user @ada?");
    await fitsThePhone(page);
    await screenshot(page, "linking-confirm.png");
    // Reloading (as a preview bot or a second look would) spends nothing.
    await page.reload();
    await page.getByRole("button", { name: "Yes, connect Notion" }).click();
    await page.waitForURL((url) => url.href.startsWith(`http://localhost:${notion.port}/v1/oauth/authorize?`));
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Connect to Shared kitchen");
    expect(blocked).toEqual([]);
    await page.close();
  });

  it("ticks two databases, allows, and lands on a success page naming the workspace and both databases", async () => {
    const page = await openConnectLink();
    await page.getByLabel("Recipes", { exact: true }).check();
    await page.getByLabel("🍹 Drinks", { exact: true }).check();
    await page.getByLabel("recipes!", { exact: true }).uncheck();
    await page.getByRole("button", { name: "Allow access" }).click();

    await page.waitForURL((url) => url.href.startsWith(`${site.url}/oauth/notion/callback?`));
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Notion connected");
    const text = await page.locator("main").innerText();
    expect(text).toContain("Shared kitchen");
    const found = await page.getByRole("list", { name: "Databases found" }).getByRole("listitem").allInnerTexts();
    expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^Recipes — \/tag recipes$/), expect.stringMatching(/^🍹 Drinks — \/tag /)]));
    expect(found).toHaveLength(2);
    const back = page.getByRole("link", { name: "Back to Telegram" });
    expect(await back.getAttribute("href")).toBe("https://t.me/reelnotes_test_bot");
    expect((await back.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await fitsThePhone(page);
    await screenshot(page, "linking-success.png");
    await page.close();
  });

  it("cancels on Notion's page and lands on the denial page", async () => {
    const before = await site.snapshot();
    const page = await openConnectLink();
    const afterIdentity = await site.snapshot();
    await page.getByRole("button", { name: "Cancel" }).click();

    await page.waitForURL((url) => url.href.startsWith(`${site.url}/oauth/notion/callback?`));
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Notion was not connected");
    expect(await page.locator("main").innerText()).toContain("/start");
    expect(await site.snapshot()).toBe(afterIdentity);
    expect(afterIdentity).not.toBe(before);
    await fitsThePhone(page);
    await screenshot(page, "linking-denied.png");
    await page.close();
  });
});
