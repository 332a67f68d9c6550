/** What a visitor got back for one request. */
export interface Visited {
  status: number;
  location: string | undefined;
  html: string;
  headers: Headers;
}

/**
 * A minimal browser for HTTP tests: follows nothing by itself, keeps cookies per origin,
 * so a test can play the person (or an attacker with a different cookie jar) step by step.
 */
export class Visitor {
  private readonly cookies = new Map<string, string>();

  /** GET `url` without following redirects; remembers any cookies the site sets. */
  get(url: string): Promise<Visited> {
    return this.request(url, {});
  }

  /** POSTs `fields` as a form (application/x-www-form-urlencoded) without following redirects. */
  post(url: string, fields: Record<string, string>): Promise<Visited> {
    return this.request(url, { method: "POST", body: new URLSearchParams(fields) });
  }

  /** Presses the first form's button on `page` (fetched from `pageUrl`): its hidden fields, to its action. */
  submitForm(pageUrl: string, page: string, change: Record<string, string> = {}): Promise<Visited> {
    const form = formOf(page);
    if (!form) throw new Error(`No form on the page: ${page.slice(0, 300)}`);
    return this.post(new URL(form.action, pageUrl).href, { ...form.fields, ...change });
  }

  /**
   * Opens a connect link and presses its confirmation button, as the person would: returns the
   * confirmation page, the answer to pressing it, and the Notion URL that answer moves on to.
   */
  async confirmConnectLink(link: string): Promise<{ confirmation: Visited; continued: Visited; authorizeUrl: URL | undefined }> {
    const confirmation = await this.get(link);
    if (confirmation.status !== 200) return { confirmation, continued: confirmation, authorizeUrl: undefined };
    const continued = await this.submitForm(link, confirmation.html);
    const target = refreshTargetOf(continued.html);
    return { confirmation, continued, authorizeUrl: target ? new URL(target) : undefined };
  }

  /** The cookies this visitor carries, as `name=value` pairs. */
  cookieJar(): Map<string, string> {
    return new Map(this.cookies);
  }

  /** Carries `cookies` from now on (an attacker borrowing or planting a cookie). */
  adopt(cookies: Map<string, string>): void {
    for (const [name, value] of cookies) this.cookies.set(name, value);
  }

  private async request(url: string, init: RequestInit): Promise<Visited> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const res = await fetch(url, { ...init, redirect: "manual", headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair!.split("=");
      const cleared = /max-age=0|expires=thu, 01 jan 1970/i.test(line);
      if (cleared) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join("="));
    }
    return { status: res.status, location: res.headers.get("location") ?? undefined, html: await res.text(), headers: res.headers };
  }
}

function unescapeHtml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The first form of a page: where it posts and its hidden fields. */
export function formOf(page: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(page);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const [, name, value] of form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[name!] = unescapeHtml(value!);
  return { action: unescapeHtml(form[1]!), fields };
}

/** Where a page's `<meta http-equiv="refresh">` sends the browser, if it has one. */
export function refreshTargetOf(page: string): string | undefined {
  const target = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(page)?.[1];
  return target ? unescapeHtml(target) : undefined;
}
