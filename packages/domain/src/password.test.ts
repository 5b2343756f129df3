import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password.ts";

describe("password hashing", () => {
  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword("Correct-Horse-9");
    expect(stored).toMatch(/^scrypt\$16384\$8\$5\$/);
    expect(await verifyPassword("Correct-Horse-9", stored)).toBe(true);
    expect(await verifyPassword("correct-horse-9", stored)).toBe(false);
  });
  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });
  it("verifies hashes made with other parameters (they are stored with the hash)", async () => {
    const older =
      "scrypt$131072$8$1$" +
      "c2FsdHNhbHRzYWx0c2FsdA==$" +
      (await import("node:crypto"))
        .scryptSync("Ancien-mot-de-passe", Buffer.from("saltsaltsaltsalt"), 32, {
          N: 2 ** 17,
          r: 8,
          p: 1,
          maxmem: 2 ** 28,
        })
        .toString("base64");
    expect(await verifyPassword("Ancien-mot-de-passe", older)).toBe(true);
    // two N=2^17 derivations (128 MiB each): well over the default 5 s on a loaded 2-core machine
  }, 60_000);
  it("refuses a malformed stored hash", async () => {
    expect(await verifyPassword("x", "plain-text")).toBe(false);
  });
});
