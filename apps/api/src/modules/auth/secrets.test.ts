import { createDb, type Db } from "@medimail/db/client";
import { createAccount, createStructure } from "@medimail/db/seed/factories";
import { createTestDatabase, type TestDatabase } from "@medimail/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config.ts";
import { decryptSecret, encryptSecret, keyId, parseSecretKey, secretKeysOf } from "./secrets.ts";
import { reencryptTotpSecrets } from "./totp.ts";

const OLD = secretKeysOf("11".repeat(32));
const NEW = secretKeysOf(Buffer.alloc(32, 2).toString("base64"), "11".repeat(32));

describe("SECRETS_KEY", () => {
  it("is required in production and must be 32 bytes in hex or base64", () => {
    const production = { NODE_ENV: "production", SMTP_URL: "smtp://mail:25", PUBLIC_URL: "https://console.example" };
    expect(() => loadConfig(production)).toThrow(/SECRETS_KEY: required in production/);
    expect(() => loadConfig({ SECRETS_KEY: "trop-court" })).toThrow(ConfigError);
    expect(() => loadConfig({ SECRETS_KEY: "ab".repeat(31) })).toThrow(/SECRETS_KEY: must be 32 bytes/);
    expect(() => loadConfig({ SECRETS_KEY_PREVIOUS: "x" })).toThrow(/SECRETS_KEY_PREVIOUS/);
    expect(loadConfig({ SECRETS_KEY: Buffer.alloc(32, 9).toString("base64") }).SECRETS_KEY).toBeDefined();
    expect(parseSecretKey("ab".repeat(32))?.length).toBe(32);
    expect(parseSecretKey(Buffer.alloc(32, 1).toString("base64url"))?.length).toBe(32);
    expect(parseSecretKey(Buffer.alloc(24, 1).toString("base64"))).toBeNull();
  });

  it("encrypts with a random IV, detects tampering, and reads the previous key's values as stale", () => {
    const first = encryptSecret(OLD, "JBSWY3DPEHPK3PXP");
    expect(first).not.toBe(encryptSecret(OLD, "JBSWY3DPEHPK3PXP"));
    expect(first.startsWith(`v1:${keyId(OLD.current)}:`)).toBe(true);
    expect(decryptSecret(OLD, first)).toEqual({ plaintext: "JBSWY3DPEHPK3PXP", stale: false });
    expect(decryptSecret(NEW, first)).toEqual({ plaintext: "JBSWY3DPEHPK3PXP", stale: true });
    expect(decryptSecret(OLD, "JBSWY3DPEHPK3PXP")).toEqual({ plaintext: "JBSWY3DPEHPK3PXP", stale: true });
    const parts = first.split(":");
    const flipped = `${parts.slice(0, 3).join(":")}:${parts[3]?.startsWith("A") ? "B" : "A"}${parts[3]?.slice(1)}:${parts[4]}`;
    expect(() => decryptSecret(OLD, flipped)).toThrow();
    expect(() => decryptSecret(secretKeysOf("22".repeat(32)), first)).toThrow(/unknown key/);
  });
});

describe("pnpm secrets:rotate", () => {
  let database: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    database = await createTestDatabase();
    db = createDb({ connectionString: database.url, max: 2 });
  });
  afterAll(async () => {
    await db?.$disconnect();
    await database?.drop();
  });

  it("rewrites every seed (clear or under the previous key) under the new key", async () => {
    const structure = await createStructure(db);
    const clear = await createAccount(db, structure.id, { totpSecret: "JBSWY3DPEHPK3PXP" });
    const underOld = await createAccount(db, structure.id, { totpSecret: encryptSecret(OLD, "KRSXG5CTMVRXEZLU") });
    const unreadable = await createAccount(db, structure.id, {
      totpSecret: encryptSecret(secretKeysOf("33".repeat(32)), "ONSWG4TFORZQ"),
    });
    expect(await reencryptTotpSecrets(db, NEW)).toEqual({
      rewritten: 2,
      unreadable: 1,
      recoveryCodesUnderOtherKeys: 0,
    });
    const read = async (id: string) => (await db.account.findUniqueOrThrow({ where: { id } })).totpSecret as string;
    expect(decryptSecret({ current: NEW.current }, await read(clear.id)).plaintext).toBe("JBSWY3DPEHPK3PXP");
    expect(decryptSecret({ current: NEW.current }, await read(underOld.id)).plaintext).toBe("KRSXG5CTMVRXEZLU");
    expect((await read(unreadable.id)).startsWith(`v1:${keyId(NEW.current)}:`)).toBe(false);
    expect(await reencryptTotpSecrets(db, NEW)).toMatchObject({ rewritten: 0, unreadable: 1 });
  });
});
