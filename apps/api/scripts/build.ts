// Builds the API for production: `src/server.ts`, `src/worker.ts` (and the embedded database's thread) with the workspace's own TypeScript (this app,
// packages/*, the Prisma client generated in prisma/) bundled into `dist/` as plain JavaScript.
//
// Why: Node runs .ts files by stripping their types with a WebAssembly compiler it loads into the process, which
// stays there — about 17 MB of the server's resident memory for as long as it runs (measured: 59 MB for an empty
// .ts script, 42 MB for the same as .js), in a process that must stay within 300 MB during a 100,000-row import.
//
// The dependencies in node_modules are not bundled: they are imported from where pnpm installed them (by a path
// relative to `dist/`, since apps/api cannot see its workspace packages' own dependencies by name), so that their
// files (WebAssembly, data) are found as usual. `import.meta.url` and `import.meta.dirname` keep meaning the
// source file's place, for the paths computed from them (migrations, the web app's build, the repository root).
import { readFile } from "node:fs/promises";
import path from "node:path";
import { build, type Plugin } from "esbuild";

const APP_DIR = path.resolve(import.meta.dirname, "..");
const OUT_DIR = path.join(APP_DIR, "dist");
const REPOSITORY_ROOT = path.resolve(APP_DIR, "../..");

const isWorkspaceSource = (file: string) =>
  file.startsWith(REPOSITORY_ROOT + path.sep) && !file.split(path.sep).includes("node_modules");

/** Imports of packages installed in node_modules stay imports, of the file itself, relative to the bundle. */
const dependenciesFromNodeModules: Plugin = {
  name: "dependencies-from-node-modules",
  setup(bundle) {
    bundle.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("node:") || args.pluginData === "resolving") return undefined;
      const resolved = await bundle.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: "resolving",
      });
      if (resolved.errors.length > 0 || resolved.external) return resolved;
      if (isWorkspaceSource(resolved.path)) return resolved; // @medimail/* packages: bundled
      const relative = path.relative(OUT_DIR, resolved.path).split(path.sep).join("/");
      return { path: relative.startsWith(".") ? relative : `./${relative}`, external: true };
    });
  },
};

/** `import.meta.url` / `import.meta.dirname` of each source file, as that file's own, not the bundle's. */
const sourceLocations: Plugin = {
  name: "source-locations",
  setup(bundle) {
    bundle.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!source.includes("import.meta.")) return undefined;
      const fromBundle = path.relative(OUT_DIR, args.path).split(path.sep).join("/");
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      const contents = source
        .replaceAll("import.meta.url", `(${url})`)
        .replaceAll("import.meta.dirname", `__bundledDirname(${url})`)
        .replaceAll("import.meta.filename", `__bundledFilename(${url})`);
      return { contents, loader: "ts" };
    });
  },
};

const started = performance.now();
const result = await build({
  // the embedded database's thread (see startEmbeddedPostgres) is a script of its own
  entryPoints: {
    server: "src/server.ts",
    worker: "src/worker.ts",
    "embedded-worker": "../../prisma/src/embedded-worker.ts",
  },
  absWorkingDir: APP_DIR,
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node22",
  sourcemap: true,
  metafile: true,
  logLevel: "warning",
  banner: {
    js: [
      'import { dirname as __bundledDirnameOf } from "node:path";',
      'import { fileURLToPath as __bundledFileURLToPath } from "node:url";',
      "const __bundledFilename = (url) => __bundledFileURLToPath(url);",
      "const __bundledDirname = (url) => __bundledDirnameOf(__bundledFileURLToPath(url));",
      'globalThis.MEDIMAIL_EMBEDDED_WORKER ??= new URL("./embedded-worker.js", import.meta.url).href;',
    ].join("\n"),
  },
  plugins: [dependenciesFromNodeModules, sourceLocations],
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(
  `API built into ${path.relative(REPOSITORY_ROOT, OUT_DIR)} (${(bytes / 1024 / 1024).toFixed(1)} MB with source maps) ` +
    `in ${Math.round(performance.now() - started)} ms`,
);
