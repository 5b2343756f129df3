import type { InjectOptions, LightMyRequestResponse } from "fastify";
import type { App } from "../src/app.ts";

/**
 * A browser for app.inject: keeps cookies (ignoring paths: every request here is under /api), sends the CSRF
 * token of the session it holds, and comes from one IP (rate limits are per IP).
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  csrfToken: string | null = null;

  private readonly app: App;
  readonly ip: string;

  constructor(app: App, ip = "127.0.0.1") {
    this.app = app;
    this.ip = ip;
  }

  async request(options: InjectOptions & { url: string }): Promise<LightMyRequestResponse> {
    const method = (options.method ?? "GET").toString().toUpperCase();
    const headers: Record<string, string> = {
      ...(this.cookies.size > 0
        ? { cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ") }
        : {}),
      ...(method !== "GET" && this.csrfToken ? { "x-csrf-token": this.csrfToken } : {}),
      ...(options.headers as Record<string, string> | undefined),
    };
    const response = await this.app.inject({
      ...options,
      method: method as InjectOptions["method"],
      headers,
      remoteAddress: this.ip,
    });
    for (const cookie of response.cookies) {
      const expired = cookie.value === "" || (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
      if (expired) this.cookies.delete(cookie.name);
      else this.cookies.set(cookie.name, cookie.value);
    }
    const body = response.headers["content-type"]?.includes("json") ? response.json() : null;
    if (body && typeof body.csrfToken === "string") this.csrfToken = body.csrfToken;
    return response;
  }

  /** Loads the console: the anonymous CSRF token (or the session's). */
  session() {
    return this.request({ url: "/api/auth/session" });
  }

  post(url: string, payload?: object) {
    return this.request({ method: "POST", url, ...(payload ? { payload } : {}) });
  }
}
