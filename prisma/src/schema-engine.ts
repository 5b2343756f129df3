import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { startEmbeddedPostgres } from "./embedded.ts";

const require = createRequire(import.meta.url);

type Glue = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

// The WASM module keeps global state: instantiate it once per process.
let engineModule: Promise<Glue> | undefined;
function loadSchemaEngine(): Promise<Glue> {
  engineModule ??= (async () => {
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const wasmBytes = readFileSync(gluePath.replace(/\.js$/, ".wasm"));
    const { instance } = await WebAssembly.instantiate(wasmBytes, {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as unknown as { __wbindgen_start(): void }).__wbindgen_start();
    return glue;
  })();
  return engineModule;
}

type SchemaSource = { tag: "empty" } | { tag: "schemaDatamodel"; files: { path: string; content: string }[] };

/**
 * Writes the SQL that takes a database from `previous` (a schema.prisma text, or null for an empty
 * database) to `next`, with Prisma's WASM schema engine: no native engine download is needed.
 * The engine wants a reachable database to start but reads nothing from it: an in-memory PGlite does.
 */
export async function diffSchemas(previous: string | null, next: string): Promise<string> {
  const glue = await loadSchemaEngine();
  const database = await startEmbeddedPostgres();
  try {
    const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: database.url }));
    const engine = await glue.SchemaEngine.new(
      { datamodels: [["schema.prisma", next]] } as never,
      () => {},
      adapter as never,
    );
    const from: SchemaSource =
      previous === null
        ? { tag: "empty" }
        : { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: previous }] };
    const result = (await engine.diff({
      from,
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: next }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    } as never)) as { stdout: string };
    return result.stdout;
  } finally {
    await database.stop();
  }
}
