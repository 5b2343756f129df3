// A browser's side of the API over real HTTP: a cookie jar, the CSRF token, and the password + emailed code
// sign-in. For tests and benchmarks that talk to API processes (or a proxy in front of them).

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export class HttpSession {
  private readonly cookies = new Map<string, string>();
  csrfToken = "";

  readonly baseUrl: string;
  private readonly extraHeaders: Record<string, string>;

  constructor(baseUrl: string, extraHeaders: Record<string, string> = {}) {
    this.baseUrl = baseUrl;
    this.extraHeaders = extraHeaders;
  }

  async request(method: string, pathname: string, body?: unknown): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...this.extraHeaders };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    if (this.csrfToken) headers["x-csrf-token"] = this.csrfToken;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.baseUrl}${pathname}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ""] = header.split(";");
      const separator = pair.indexOf("=");
      const value = pair.slice(separator + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(header))
        this.cookies.delete(pair.slice(0, separator));
      else this.cookies.set(pair.slice(0, separator), value);
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /** GET /api/auth/session: the anonymous CSRF token a sign-in form starts with. */
  async open(): Promise<HttpAnswer> {
    const answer = await this.request("GET", "/api/auth/session");
    this.csrfToken = (answer.body as { csrfToken: string }).csrfToken;
    return answer;
  }

  /**
   * Password, then the code that `codeFor` finds in the mail it receives. Answers the three steps' answers
   * (to check which instance served each).
   */
  async signIn(email: string, password: string, codeFor: (email: string) => Promise<string>): Promise<HttpAnswer[]> {
    const opened = await this.open();
    const passwordStep = await this.request("POST", "/api/auth/password", { email, password });
    if (passwordStep.status !== 200)
      throw new Error(`password step: ${passwordStep.status} ${JSON.stringify(passwordStep.body)}`);
    const code = await codeFor(email);
    const verified = await this.request("POST", "/api/auth/verify", { code });
    if (verified.status !== 200) throw new Error(`verify step: ${verified.status} ${JSON.stringify(verified.body)}`);
    this.csrfToken = (verified.body as { csrfToken: string }).csrfToken;
    return [opened, passwordStep, verified];
  }
}

/** Waits for a new mail to `email` whose subject carries a 6-digit code, among mails not seen before. */
export async function waitForCode(
  mails: () => { messageId: string; to: string[]; subject: string }[],
  email: string,
  seen: Set<string>,
): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    for (const mail of mails()) {
      if (seen.has(mail.messageId) || !mail.to.includes(email)) continue;
      const code = mail.subject.match(/\b(\d{6})\b/)?.[1];
      if (code) {
        seen.add(mail.messageId);
        return code;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no code mailed to ${email} within 30 s`);
}
