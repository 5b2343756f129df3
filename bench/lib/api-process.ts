import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const API_DIR = path.resolve(import.meta.dirname, "../../apps/api");

/** How a benchmark starts an API process: Node's options, environment variables to add, the script it runs. */
export interface ApiProcess {
  nodeOptions: string[];
  env: Record<string, string>;
  /** the built server (`apps/api/dist/server.js`), rebuilt from the sources at the first call */
  script: string;
}

let built = false;

/**
 * The API process as it is deployed: the `serve` script of apps/api (`NAME=value … node <options> dist/server.js`),
 * its variables (glibc's malloc settings) and Node's options, so that the figures are those of the console in
 * production. BENCH_SERVER_NODE_OPTIONS replaces the options (to try others; the variables stay).
 */
export function apiProcess(): ApiProcess {
  const manifest = JSON.parse(readFileSync(path.join(API_DIR, "package.json"), "utf8")) as {
    scripts: { serve: string };
  };
  const words = manifest.scripts.serve.split(" ").filter(Boolean);
  const env = Object.fromEntries(
    words.filter((word) => /^[A-Z_]+=/.test(word)).map((word) => word.split("=", 2) as [string, string]),
  );
  const nodeOptions =
    process.env.BENCH_SERVER_NODE_OPTIONS !== undefined
      ? process.env.BENCH_SERVER_NODE_OPTIONS.split(" ").filter(Boolean)
      : words.filter((word) => word.startsWith("--"));
  const script = path.join(API_DIR, words.at(-1) ?? "dist/server.js");
  if (!built && script.includes(`${path.sep}dist${path.sep}`)) {
    // the figures are those of the code as it is now, never of an older build
    const build = spawnSync(process.execPath, [path.join(API_DIR, "scripts/build.ts")], { stdio: "inherit" });
    if (build.status !== 0) throw new Error("the API's build failed");
    built = true;
  }
  return { nodeOptions, env, script };
}

/** The API process's options as the figures print them. */
export function apiOptionsText(): string {
  const { nodeOptions, env } = apiProcess();
  const words = [...Object.entries(env).map(([name, value]) => `${name}=${value}`), ...nodeOptions];
  return words.join(" ") || "(defaults)";
}
