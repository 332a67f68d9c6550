import { consentOverHttp } from "../../test/emulators/notion/index.ts";
import { Visitor } from "../../test/web/visitor.ts";

/**
 * Plays the person opening the bot's connect link in a browser: our site answers 302 to
 * Notion's consent page (setting its cookie), the person allows every database, and the browser
 * lands back on our callback with that cookie. Returns the success page's HTML.
 */
export async function consentInBrowser(connectLink: string): Promise<string> {
  const browser = new Visitor();
  const opened = await browser.get(connectLink);
  if (opened.status !== 302 || !opened.location) {
    throw new Error(`The connect link answered ${opened.status} instead of a redirect to Notion`);
  }
  const callback = await consentOverHttp(opened.location, { all: true });
  const landed = await browser.get(callback);
  if (landed.status !== 200) throw new Error(`The Notion callback answered ${landed.status}: ${landed.html.slice(0, 200)}`);
  return landed.html;
}
