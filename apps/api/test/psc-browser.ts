// A browser for the local Pro Santé Connect provider, driven with fetch: cookies by path, manual redirects,
// the login form filled with a national identifier. Shared by the PSC client and PSC route tests.

/** Cookies keyed by path and name, sent back according to their path (the provider scopes them per interaction). */
export class CookieJar {
  readonly #cookies = new Map<string, { path: string; name: string; value: string }>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = header.split(";").map((part) => part.trim());
      const separator = pair.indexOf("=");
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      const pathAttribute = attributes.find((attribute) => attribute.toLowerCase().startsWith("path="));
      const path = pathAttribute?.slice("path=".length) ?? "/";
      const expired = attributes.some(
        (attribute) => attribute.toLowerCase().startsWith("expires=") && Date.parse(attribute.slice(8)) <= Date.now(),
      );
      if (value === "" || expired) this.#cookies.delete(`${path} ${name}`);
      else this.#cookies.set(`${path} ${name}`, { path, name, value });
    }
  }

  header(url: URL): string {
    return [...this.#cookies.values()]
      .filter(({ path }) => url.pathname === path || url.pathname.startsWith(path.endsWith("/") ? path : `${path}/`))
      .map(({ name, value }) => `${name}=${value}`)
      .join("; ");
  }
}

export async function send(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie !== "") headers.set("cookie", cookie);
  const response = await fetch(url, { ...init, headers, redirect: "manual" });
  jar.store(response);
  return response;
}

export function locationOf(response: Response, base: URL): URL {
  const location = response.headers.get("location");
  if (response.status < 300 || response.status >= 400 || location === null) {
    throw new Error(`expected a redirect from ${base.href}, got ${response.status}`);
  }
  return new URL(location, base);
}

/** Follows redirects (GET) until one points at the client's redirect URI, which is returned without being called. */
export async function followToCallback(
  jar: CookieJar,
  first: Response,
  firstUrl: URL,
  redirectUri: string,
): Promise<URL> {
  let response = first;
  let url = firstUrl;
  for (let hops = 0; hops < 10; hops++) {
    const next = locationOf(response, url);
    if (next.href.startsWith(redirectUri)) return next;
    url = next;
    response = await send(jar, url);
  }
  throw new Error("too many redirects");
}

/** Authorization request up to the login form of the local provider. */
export async function openLoginForm(jar: CookieJar, authorizationUrl: string): Promise<{ url: URL; html: string }> {
  const start = new URL(authorizationUrl);
  const url = locationOf(await send(jar, start), start);
  const response = await send(jar, url);
  if (response.status !== 200) throw new Error(`login form: ${response.status}`);
  return { url, html: await response.text() };
}

export function formAction(html: string, base: URL): URL {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (action === undefined) throw new Error("no form in the page");
  return new URL(action, base);
}

export function submitIdentifier(jar: CookieJar, action: URL, identifier: string): Promise<Response> {
  return send(jar, action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ rpps: identifier }).toString(),
  });
}

/** The whole browser side: authorization URL → login form → RPPS → callback URL carrying the code. */
export async function logIn(authorizationUrl: string, identifier: string, redirectUri: string): Promise<URL> {
  const jar = new CookieJar();
  const form = await openLoginForm(jar, authorizationUrl);
  const action = formAction(form.html, form.url);
  return followToCallback(jar, await submitIdentifier(jar, action, identifier), action, redirectUri);
}
