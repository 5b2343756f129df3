import type { FastifyInstance } from "fastify";
import { validationFailed } from "../lib/errors.ts";

/** NUL, and a surrogate half without its other half: PostgreSQL refuses the first in text, and neither is text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A backstop under the routes' own schemas: no query parameter, path parameter or JSON body reaches a handler
 * with a string the database cannot store; the caller gets a 400 naming the field instead of a 500.
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    // an unknown route answers its 404 whatever its path holds
    if (request.is404) return;
    for (const [part, value] of [
      ["querystring", request.query],
      ["params", request.params],
      ["body", request.body],
    ] as const) {
      const path = findUnstorable(value, [part], 0);
      if (path) {
        throw validationFailed("Certaines valeurs sont invalides", [
          { path: path.join("."), message: "Caractère non autorisé (caractère nul ou invalide)" },
        ]);
      }
    }
  });
}

/** The path of the first unstorable string in a parsed query or JSON value, or null. */
function findUnstorable(value: unknown, path: string[], depth: number): string[] | null {
  if (typeof value === "string") return UNSTORABLE.test(value) ? path : null;
  if (depth > 32 || value === null || typeof value !== "object" || Buffer.isBuffer(value)) return null;
  for (const [key, item] of Object.entries(value)) {
    if (UNSTORABLE.test(key)) return [...path, "(clé)"];
    const found = findUnstorable(item, [...path, key], depth + 1);
    if (found) return found;
  }
  return null;
}
