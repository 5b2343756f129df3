import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

describe("configuration", () => {
  it("has defaults that start the embedded database on port 3000", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DATA_DIR).toMatch(/data$/);
  });

  it("names every bad variable in one line", () => {
    expect(() => loadConfig({ DATABASE_URL: "nonsense", PORT: "http" })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_URL: "nonsense", PORT: "http" });
    } catch (error) {
      expect((error as Error).message).not.toContain("\n");
      expect((error as Error).message).toContain("DATABASE_URL: must be a postgresql://");
      expect((error as Error).message).toContain("PORT: must be a port number");
    }
  });

  it("accepts a PostgreSQL URL", () => {
    expect(loadConfig({ DATABASE_URL: "postgresql://root@127.0.0.1:5432/medimail" }).DATABASE_URL).toContain("5432");
  });
});

describe("production transport", () => {
  const production = {
    NODE_ENV: "production",
    SMTP_URL: "smtps://relais.example.fr:465",
    PUBLIC_URL: "https://medimail-admin.example.fr",
    SECRETS_KEY: Buffer.alloc(32, 7).toString("base64"),
  };
  const refusal = (env: Record<string, string>) => {
    try {
      loadConfig({ ...production, ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).not.toContain("\n");
      return (error as Error).message;
    }
    return null;
  };

  it("accepts TLS everywhere", () => {
    expect(refusal({})).toBeNull();
    expect(refusal({ SMTP_URL: "smtp://relais.example.fr:587?requireTLS=true", COOKIE_SECURE: "true" })).toBeNull();
  });

  it("refuses mail in clear, an http:// address and cookies without Secure, each on the same line", () => {
    expect(refusal({ SMTP_URL: "smtp://relais.example.fr:587" })).toContain(
      "SMTP_URL: smtp:// must require STARTTLS in production: use smtps:// or add ?requireTLS=true",
    );
    expect(refusal({ SMTP_URL: "smtp://relais.example.fr:587?requireTLS=false" })).toContain("SMTP_URL:");
    expect(refusal({ SMTP_URL: "smtps://relais.example.fr:465?tls.rejectUnauthorized=false" })).toContain(
      "SMTP_URL: the mail server's certificate must be checked in production",
    );
    expect(refusal({ PUBLIC_URL: "http://medimail-admin.example.fr" })).toContain(
      "PUBLIC_URL: must be https:// in production (or ALLOW_INSECURE_TRANSPORT=true if this is deliberate)",
    );
    expect(refusal({ COOKIE_SECURE: "false" })).toContain("COOKIE_SECURE: must stay true in production");
    const all = refusal({ SMTP_URL: "smtp://h:25", PUBLIC_URL: "http://h", COOKIE_SECURE: "false" });
    expect(all).toMatch(/SMTP_URL.*PUBLIC_URL.*COOKIE_SECURE/);
  });

  it("lets ALLOW_INSECURE_TRANSPORT=true say it is deliberate (a loopback bench), and never matters outside production", () => {
    const insecure = { SMTP_URL: "smtp://127.0.0.1:2525", PUBLIC_URL: "http://127.0.0.1:3000", COOKIE_SECURE: "false" };
    expect(refusal({ ...insecure, ALLOW_INSECURE_TRANSPORT: "true" })).toBeNull();
    expect(() => loadConfig({ ...insecure, NODE_ENV: "development" })).not.toThrow();
  });
});
