// Signs in through the HTTP API as a browser does (session → password → code from the development mail
// catcher → verify), for benchmarks that drive a server in another process.

/** Set-Cookie values of a response as name → value. */
function cookiesOf(response: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair = ""] = header.split(";");
    const separator = pair.indexOf("=");
    cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
  }
  return cookies;
}

export interface ApiSignIn {
  headers: { cookie: string; "x-csrf-token": string };
  /** ms: password step, code arrival in the catcher, verify step */
  timings: { password: number; mailArrival: number; verify: number };
}

export async function signInThroughApi(base: string, email: string, password: string): Promise<ApiSignIn> {
  const jar = new Map<string, string>();
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const session = await fetch(`${base}/api/auth/session`);
  for (const [name, value] of cookiesOf(session)) jar.set(name, value);
  const { csrfToken } = (await session.json()) as { csrfToken: string };

  const seen = new Set(
    ((await (await fetch(`${base}/api/dev/mails`)).json()) as { items: { messageId: string }[] }).items.map(
      (m) => m.messageId,
    ),
  );
  let started = performance.now();
  const step = await fetch(`${base}/api/auth/password`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken, cookie: cookie() },
    body: JSON.stringify({ email, password }),
  });
  if (!step.ok) throw new Error(`password step: HTTP ${step.status} ${await step.text()}`);
  const passwordMs = performance.now() - started;
  for (const [name, value] of cookiesOf(step)) jar.set(name, value);

  started = performance.now();
  let code: string | undefined;
  while (!code) {
    const { items } = (await (await fetch(`${base}/api/dev/mails`)).json()) as {
      items: { messageId: string; to: string[]; subject: string }[];
    };
    code = items
      .find((mail) => !seen.has(mail.messageId) && mail.to.includes(email))
      ?.subject.match(/\b(\d{6})\b/)?.[1];
    if (!code) await new Promise((resolve) => setTimeout(resolve, 20));
    if (performance.now() - started > 30_000) throw new Error("no code mailed within 30 s");
  }
  const mailArrival = performance.now() - started;

  started = performance.now();
  const verified = await fetch(`${base}/api/auth/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken, cookie: cookie() },
    body: JSON.stringify({ code }),
  });
  if (!verified.ok) throw new Error(`verify step: HTTP ${verified.status} ${await verified.text()}`);
  const verifyMs = performance.now() - started;
  for (const [name, value] of cookiesOf(verified)) jar.set(name, value);
  const body = (await verified.json()) as { csrfToken: string };
  return {
    headers: { cookie: `medimail_session=${jar.get("medimail_session")}`, "x-csrf-token": body.csrfToken },
    timings: { password: passwordMs, mailArrival, verify: verifyMs },
  };
}
