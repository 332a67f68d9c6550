import { consentOverHttp } from "../../test/emulators/notion/index.ts";
import { Visitor } from "../../test/web/visitor.ts";

/**
 * Plays the person opening the bot's connect link in a browser: our site asks to confirm the chat
 * account, the confirmation moves on to Notion's consent page (setting its cookie), the person
 * allows every database, and the browser lands back on our callback with that cookie. Returns the
 * success page's HTML.
 */
export async function consentInBrowser(connectLink: string): Promise<string> {
  const browser = new Visitor();
  const { confirmation, continued, authorizeUrl } = await browser.confirmConnectLink(connectLink);
  if (!authorizeUrl) {
    throw new Error(`The connect link answered ${confirmation.status}, its confirmation ${continued.status}, instead of moving on to Notion`);
  }
  const callback = await consentOverHttp(authorizeUrl.href, { all: true });
  const landed = await browser.get(callback);
  if (landed.status !== 200) throw new Error(`The Notion callback answered ${landed.status}: ${landed.html.slice(0, 200)}`);
  return landed.html;
}
