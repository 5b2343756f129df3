// "Vérifier la visibilité dans l'annuaire national": import of a generated national extraction of the ANS's size
// (535,000 lines, 31 columns, PER ~455,000 / ORG ~80,000) and its comparison with the demo's correspondences.
// Target (issue 19): import and comparison ≤ 30 s, RSS ≤ 256 MB. BENCH_EXTRACTION_LINES to change the size.

import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDirectoryVisibilityService } from "@medimail/api/modules/directory-visibility/directory-visibility.service";
import {
  EXTRACTION_HEADER,
  extractionLine,
} from "@medimail/api/modules/directory-visibility/extraction-file.test-support";
import { createDb } from "@medimail/db/client";
import { seedDemo } from "@medimail/db/seed/demo";
import { apiOptionsText, apiProcess } from "./lib/api-process.ts";
import { openBenchDatabase } from "./lib/database.ts";
import { printFigures, trackPeakRss } from "./lib/report.ts";

if (process.argv[2] === "--import") {
  const [file, url] = process.argv.slice(3) as [string, string];
  const db = createDb({ connectionString: url, max: 4 });
  const service = createDirectoryVisibilityService({ db });
  const rss = trackPeakRss();
  let started = performance.now();
  const extraction = await service.importExtraction({
    chunks: createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 }),
    source: "UPLOAD",
    fileName: path.basename(file),
    extractedAt: new Date(),
    requestedById: null,
  });
  const importSeconds = (performance.now() - started) / 1000;
  const structureIds = (await db.structure.findMany({ select: { id: true } })).map((structure) => structure.id);
  started = performance.now();
  const comparison = await service.compare(structureIds);
  const compareSeconds = (performance.now() - started) / 1000;
  const peak = rss.stop();
  console.log(
    JSON.stringify({ importSeconds, compareSeconds, kept: extraction?.kept ?? 0, counts: comparison.counts, peak }),
  );
  await db.$disconnect();
  process.exit(0);
}

const LINES = Number(process.env.BENCH_EXTRACTION_LINES ?? 535_000);
const database = await openBenchDatabase();
await seedDemo(database.db);
const ours = await database.db.mssAddress.findMany({ select: { address: true } });
const domains = (await database.db.structure.findMany({ where: { mssDomain: { not: null } } })).map(
  (structure) => structure.mssDomain as string,
);

// The file: every other demo address is published (the rest will read as absent), a few hundred addresses of our
// domains are unknown here, and the bulk belongs to other operators' domains.
const folder = mkdtempSync(path.join(tmpdir(), "extraction-"));
const file = path.join(folder, "Extraction_Correspondance_MSSante.txt");
const out = createWriteStream(file);
const write = async (line: string) => {
  if (!out.write(`${line}\r\n`)) await once(out, "drain");
};
await write(EXTRACTION_HEADER);
for (let i = 0; i < LINES; i++) {
  const ourIndex = i % 1000;
  let address: string;
  if (ourIndex < ours.length && i < 1000 && ourIndex % 2 === 0) address = ours[ourIndex]?.address as string;
  else if (i % 1500 === 7) address = `inconnue.${i}@${domains[i % domains.length]}`;
  else address = `pro.${i}@etablissement-${i % 5000}.mssante.fr`;
  const org = i % 100 < 15;
  await write(
    extractionLine({
      type: org ? "ORG" : "PER",
      address,
      nationalId: org ? undefined : `8${String(10_000_000_000 + i)}`,
      structureId: org ? `1${String(310_000_000 + (i % 5000))}` : undefined,
      lastName: org ? undefined : `NOM${i}`,
      firstName: org ? undefined : "Prénom",
      company: org ? `Établissement ${i % 5000}` : undefined,
    }),
  );
}
out.end();
await once(out, "finish");
const megabytes = statSync(file).size / 1024 / 1024;

// The import and the comparison run in a process of their own, as in the API: its peak RSS is theirs alone.
// with the API's production options (`serve`: V8's heap capped, glibc's malloc settings)
const server = apiProcess();
const child = spawnSync(
  process.execPath,
  [...server.nodeOptions, import.meta.filename, "--import", file, database.url],
  {
    encoding: "utf8",
    env: { ...process.env, ...server.env },
    stdio: ["ignore", "pipe", "inherit"],
  },
);
if (child.status !== 0) throw new Error(`the import process failed (${child.status})`);
const { importSeconds, compareSeconds, kept, counts, peak } = JSON.parse(child.stdout);

printFigures(`national extraction, ${database.kind}, ${apiOptionsText()}`, {
  "lines / file size (MiB)": `${LINES} / ${megabytes.toFixed(1)}`,
  "import (s)": importSeconds,
  "addresses of our domains kept": kept,
  "comparison of every structure (s)": compareSeconds,
  "import + comparison (s), target ≤ 30": importSeconds + compareSeconds,
  visibilities: Object.entries(counts as Record<string, number>)
    .map(([name, count]) => `${name} ${count}`)
    .join(", "),
  "peak RSS (MiB), target ≤ 256": peak,
});

rmSync(folder, { recursive: true, force: true });
await database.db.$disconnect();
await database.drop();
