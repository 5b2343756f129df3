import { readFileSync } from "node:fs";
import path from "node:path";

/** How a benchmark starts an API process: Node's options, and environment variables to add. */
export interface ApiProcess {
  nodeOptions: string[];
  env: Record<string, string>;
}

/**
 * The API process as it is deployed: the `serve` script of apps/api (`NAME=value … node <options> src/server.ts`),
 * its variables (glibc's malloc settings) and Node's options, so that the figures are those of the console in
 * production. BENCH_SERVER_NODE_OPTIONS replaces the options (to try others; the variables stay).
 */
export function apiProcess(): ApiProcess {
  const manifest = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, "../../apps/api/package.json"), "utf8"),
  ) as { scripts: { serve: string } };
  const words = manifest.scripts.serve.split(" ").filter(Boolean);
  const env = Object.fromEntries(
    words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split("=", 2) as [string, string]),
  );
  const nodeOptions =
    process.env.BENCH_SERVER_NODE_OPTIONS !== undefined
      ? process.env.BENCH_SERVER_NODE_OPTIONS.split(" ").filter(Boolean)
      : words.filter((word) => word.startsWith("--"));
  return { nodeOptions, env };
}

/** The API process's options as the figures print them. */
export function apiOptionsText(): string {
  const { nodeOptions, env } = apiProcess();
  const words = [...Object.entries(env).map(([name, value]) => `${name}=${value}`), ...nodeOptions];
  return words.join(" ") || "(defaults)";
}
