import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Node's options for an API process started by a benchmark: BENCH_SERVER_NODE_OPTIONS when set (to try others),
 * otherwise those of the API's `start` script (`node <options> src/server.ts`), so that the figures are those of the
 * console as it is deployed.
 */
export function apiNodeOptions(): string[] {
  if (process.env.BENCH_SERVER_NODE_OPTIONS !== undefined) {
    return process.env.BENCH_SERVER_NODE_OPTIONS.split(" ").filter(Boolean);
  }
  const manifest = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, "../../apps/api/package.json"), "utf8"),
  ) as { scripts: { start: string } };
  return manifest.scripts.start.split(" ").filter((word) => word.startsWith("--"));
}
