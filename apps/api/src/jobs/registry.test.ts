import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Module specifiers of a source file's imports and re-exports, static or dynamic. */
export function importedSpecifiers(source: string): string[] {
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;
  return [...source.matchAll(pattern)].map((match) => match[1] as string);
}

/** Whether a specifier, written in `file`, points at jobs/registry.ts. */
function isRegistry(file: string, specifier: string, registry: string): boolean {
  if (!specifier.startsWith(".")) return false;
  const resolved = path.resolve(path.dirname(file), specifier);
  return resolved === registry || `${resolved}.ts` === registry;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

const modules = path.resolve(import.meta.dirname, "../modules");
const registry = path.resolve(import.meta.dirname, "registry.ts");

describe("the job registry", () => {
  it("reads the import statements it looks for", () => {
    const source = [
      'import { JOB_NAMES } from "../../jobs/registry.ts";',
      'export { createJobDefinitions } from "../../jobs/registry";',
      'const later = await import("../../jobs/registry.ts");',
      'import "./side-effect.ts";',
      "// from the registry, in a comment",
    ].join("\n");
    expect(importedSpecifiers(source)).toEqual([
      "../../jobs/registry.ts",
      "../../jobs/registry",
      "../../jobs/registry.ts",
      "./side-effect.ts",
    ]);
    const feature = path.join(modules, "mail", "outbox.jobs.ts");
    expect(isRegistry(feature, "../../jobs/registry.ts", registry)).toBe(true);
    expect(isRegistry(feature, "../../jobs/registry", registry)).toBe(true);
    expect(isRegistry(feature, "../../jobs/job-triggers.ts", registry)).toBe(false);
  });

  it("is imported by no feature: features own their job names, the registry only collects their definitions", () => {
    const offenders = sourceFiles(modules).flatMap((file) =>
      importedSpecifiers(readFileSync(file, "utf8"))
        .filter((specifier) => isRegistry(file, specifier, registry))
        .map((specifier) => `${path.relative(modules, file)} imports ${specifier}`),
    );
    expect(offenders).toEqual([]);
  });
});
