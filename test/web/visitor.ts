/**
 * A minimal browser for HTTP tests: follows nothing by itself, keeps cookies per origin,
 * so a test can play the person (or an attacker with a different cookie jar) step by step.
 */
export class Visitor {
  private readonly cookies = new Map<string, string>();

  /** GET `url` without following redirects; remembers any cookies the site sets. */
  async get(url: string): Promise<{ status: number; location: string | undefined; html: string; headers: Headers }> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    const res = await fetch(url, { redirect: "manual", headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...value] = pair!.split("=");
      const cleared = /max-age=0|expires=thu, 01 jan 1970/i.test(line);
      if (cleared) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join("="));
    }
    return { status: res.status, location: res.headers.get("location") ?? undefined, html: await res.text(), headers: res.headers };
  }

  /** The cookies this visitor carries, as `name=value` pairs. */
  cookieJar(): Map<string, string> {
    return new Map(this.cookies);
  }

  /** Carries `cookies` from now on (an attacker borrowing or planting a cookie). */
  adopt(cookies: Map<string, string>): void {
    for (const [name, value] of cookies) this.cookies.set(name, value);
  }
}
