// Generates the Prisma client. Offline, `prisma generate` fails trying to download the native schema
// engine it does not even use for generation: in that case only, retry with a stub in its place.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

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

// The generated client imports Prisma's query compiler as a module holding its WebAssembly as base64 text: a
// module stays loaded for the process's lifetime, and with it that text twice (the module's source and its string,
// 8.7 MB of a server's heap that must stay small during an import). Read the same file instead, decode it, let it go.
const clientFile = path.resolve(import.meta.dirname, "../../generated/prisma/internal/class.ts");
const importedWasm =
  /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[\w.-]+\.wasm-base64\.mjs)"\)\n(\s*)return await decodeBase64AsWasm\(wasm\)/;
const client = readFileSync(clientFile, "utf8");
const found = client.match(importedWasm);
if (!found) {
  console.error(`${clientFile}: the query compiler's import was not found (did Prisma's output change?)`);
  process.exit(1);
}
const [, moduleName, indent] = found;
writeFileSync(
  clientFile,
  client.replace(
    importedWasm,
    [
      `// read as a file, not imported: see prisma/src/cli/generate.ts`,
      `const { createRequire } = await import("node:module")`,
      `const { readFile } = await import("node:fs/promises")`,
      `const text = await readFile(createRequire(import.meta.url).resolve(${JSON.stringify(moduleName)}), "latin1")`,
      `return await decodeBase64AsWasm(text.slice(text.indexOf('"') + 1, text.lastIndexOf('"')))`,
    ].join(`\n${indent}`),
  ),
);
