// pnpm referential:import <professionals|structures> <file> [--partial] [--latin1]
// Loads an extraction of the national referential into DATABASE_URL (see referential-files.ts for the shapes).
import path from "node:path";
import { createDb } from "@medimail/db/client";
import type { ReferentialKind } from "./referential-files.ts";
import { importReferentialFile } from "./referential-import.ts";

const KINDS: Record<string, ReferentialKind> = {
  professionals: "professionals",
  professionnels: "professionals",
  ps: "professionals",
  structures: "structures",
  finess: "structures",
};

const args = process.argv.slice(2);
const flags = new Set(args.filter((arg) => arg.startsWith("--")));
const [kindArg, file] = args.filter((arg) => !arg.startsWith("--"));
const kind = KINDS[kindArg ?? ""];
const url = process.env.DATABASE_URL;
if (!kind || !file || !url) {
  console.error(
    "usage: DATABASE_URL=… pnpm referential:import <professionals|structures> <file> [--partial] [--latin1]\n" +
      "  professionals: PS_LibreAcces_Personne_activite_*.txt (ANS, '|' separated, header line)\n" +
      "  structures:    etalab-cs1100507-stock-*.csv (FINESS, ';' separated, 'structureet' lines)\n" +
      "  --partial:     an extract: professionals it does not list stay current\n" +
      "  --latin1:      the file is in ISO-8859-1 (UTF-8 otherwise)",
  );
  process.exit(2);
}
const db = createDb({ connectionString: url });
try {
  const started = performance.now();
  // pnpm runs the script in apps/api: the path is the caller's
  const report = await importReferentialFile(db, kind, path.resolve(process.env.INIT_CWD ?? process.cwd(), file), {
    partial: flags.has("--partial"),
    encoding: flags.has("--latin1") ? "latin1" : "utf8",
  });
  const { errors, ...counts } = report;
  console.log({ ...counts, seconds: Math.round((performance.now() - started) / 100) / 10 });
  for (const error of errors) console.log(`ligne ${error.line} : ${error.reason}`);
  if (report.malformed > errors.length) console.log(`… et ${report.malformed - errors.length} autres lignes rejetées`);
} finally {
  await db.$disconnect();
}
