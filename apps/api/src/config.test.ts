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
