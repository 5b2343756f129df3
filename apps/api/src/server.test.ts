import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTestDb } from "../test/test-app.ts";

const t = useTestDb();

/** Starts server.ts as a person would, and answers its exit code and what it printed on stderr. */
function startServer(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const server = spawn(process.execPath, ["src/server.ts"], {
      cwd: path.resolve(import.meta.dirname, ".."),
      env: { ...process.env, LOG_LEVEL: "silent", WEB_DIST: "", SMTP_CATCHER_PORT: "0", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    server.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    server.on("exit", (code) => resolve({ code, stderr }));
  });
}

describe("start-up mistakes stop the server with one clear line", () => {
  it("a DATABASE_URL that is not a URL", async () => {
    const { code, stderr } = await startServer({ DATABASE_URL: "nonsense" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      "medimail-admin: invalid configuration — DATABASE_URL: must be a postgresql://user@host:port/database URL",
    ]);
  });

  it("a database that does not answer", async () => {
    const { code, stderr } = await startServer({ DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none" });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      "medimail-admin: database unreachable (connect ECONNREFUSED 127.0.0.1:1): check DATABASE_URL",
    ]);
  });

  it("a port already in use", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await startServer({
        DATABASE_URL: t.database.url,
        PORT: String(port),
        HOST: "127.0.0.1",
      });
      expect(code).toBe(1);
      expect(stderr.trim().split("\n")).toEqual([
        `medimail-admin: port already in use (127.0.0.1:${port}): stop the other process or set PORT`,
      ]);
    } finally {
      blocker.close();
    }
  });
});

describe("production", () => {
  const production = {
    NODE_ENV: "production",
    SMTP_URL: "smtps://relais.example.fr:465",
    PUBLIC_URL: "https://medimail-admin.example.fr",
    RUN_WORKERS: "false",
    SECRETS_KEY: randomBytes(32).toString("base64"),
  };

  it("refuses to start with mail in clear, in one line", async () => {
    const { code, stderr } = await startServer({
      ...production,
      DATABASE_URL: t.database.url,
      SMTP_URL: "smtp://relais.example.fr:25",
    });
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([
      "medimail-admin: invalid configuration — SMTP_URL: smtp:// must require STARTTLS in production: use smtps:// or add ?requireTLS=true (or ALLOW_INSECURE_TRANSPORT=true if this is deliberate)",
    ]);
  });

  it("does not describe its API to strangers (/api/docs is off)", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
    const server = spawn(process.execPath, ["src/server.ts"], {
      cwd: path.resolve(import.meta.dirname, ".."),
      env: {
        ...process.env,
        LOG_LEVEL: "silent",
        WEB_DIST: "",
        ...production,
        DATABASE_URL: t.database.url,
        PORT: String(port),
        HOST: "127.0.0.1",
      },
      stdio: "ignore",
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let attempt = 0; ; attempt++) {
        if ((await fetch(`${base}/ready`).catch(() => null))?.ok) break;
        if (attempt > 150 || server.exitCode !== null) throw new Error("the server did not start");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      for (const docs of ["/api/docs", "/api/docs/json", "/api/docs/static/index.html"]) {
        const response = await fetch(`${base}${docs}`);
        expect(response.status, docs).toBe(404);
        expect(await response.text(), docs).not.toContain("openapi");
      }
    } finally {
      server.kill("SIGTERM");
      await new Promise((resolve) => server.once("exit", resolve));
    }
  });
});
