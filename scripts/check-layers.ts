// The API's layers, checked by `pnpm lint`: data access (Prisma model calls, raw SQL) lives in `*.repository.ts`
// files only, so that a module's SQL has one home and services keep to rules and transactions.
// Usage: node scripts/check-layers.ts [root]   (exit code 1 and the offending lines when a file breaks the rule)
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const PRISMA_OPERATIONS =
  "findMany|findFirst|findUnique|findFirstOrThrow|findUniqueOrThrow|create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany|count|aggregate|groupBy";

/** Raw SQL, or a Prisma model call on a client or transaction (`db.account.findMany(`, `tx.structure.update(`). */
const DATA_ACCESS = new RegExp(
  String.raw`\$queryRaw|\$queryRawUnsafe|\$executeRaw|\$executeRawUnsafe|\bPrisma\.(sql|join|raw|empty)\b|\b(db|tx|prisma|client)\.[a-z][A-Za-z]*\.(${PRISMA_OPERATIONS})\(`,
);

/** Where data access belongs, or is the infrastructure itself. */
export function mayAccessData(file: string): boolean {
  const name = path.basename(file);
  return (
    name.endsWith(".repository.ts") ||
    name.endsWith(".test.ts") ||
    name.endsWith(".test-support.ts") ||
    file === "database.ts"
  );
}

/** The lines of a source file that access data directly: 1-based line numbers and their text. */
export function dataAccessLines(source: string): { line: number; text: string }[] {
  return source
    .split("\n")
    .map((text, index) => ({ line: index + 1, text: text.trim() }))
    .filter(({ text }) => !text.startsWith("//") && !text.startsWith("*") && DATA_ACCESS.test(text));
}

function sourceFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, root);
    return entry.name.endsWith(".ts") ? [path.relative(root, full)] : [];
  });
}

export function layerViolations(root: string): string[] {
  return sourceFiles(root)
    .filter((file) => !mayAccessData(file))
    .flatMap((file) =>
      dataAccessLines(readFileSync(path.join(root, file), "utf8")).map(
        ({ line, text }) => `${path.join(root, file)}:${line}: data access outside a repository: ${text}`,
      ),
    );
}

if (import.meta.main) {
  const root = process.argv[2] ?? "apps/api/src";
  const violations = layerViolations(root);
  for (const violation of violations) console.error(violation);
  if (violations.length > 0) {
    console.error(`\n${violations.length} line(s): move the query into the module's *.repository.ts (see README).`);
    process.exit(1);
  }
  console.info(`layers: no data access outside repositories in ${root}`);
}
