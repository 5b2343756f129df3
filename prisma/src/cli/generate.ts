// Generates the Prisma client. Offline, `prisma generate` fails trying to download the native schema
// engine it does not even use for generation: in that case only, retry with a stub in its place.
import { spawnSync } from "node:child_process";

const run = (env: NodeJS.ProcessEnv) =>
  spawnSync("prisma", ["generate"], { stdio: ["ignore", "pipe", "pipe"], env, encoding: "utf8", shell: false });

let result = run(process.env);
if (result.status !== 0 && !process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  console.log("prisma generate: schema engine unavailable, generating with a stub engine");
  result = run({ ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.platform === "win32" ? "cmd" : "/bin/true" });
}
process.stdout.write(result.stdout ?? "");
if (result.status !== 0) {
  process.stderr.write(result.stderr ?? "");
  process.exit(result.status ?? 1);
}
