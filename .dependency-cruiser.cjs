// The dependency rules of the API and the SPA, checked by `pnpm lint:deps` (part of `pnpm lint`).
// A broken rule prints the offending import and fails lint. Each rule's comment says why it exists.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "web-feature-to-other-feature",
      severity: "error",
      comment:
        "A web feature imports only itself, features/shared, components/ and lib/. What two features share moves " +
        "to features/shared (queries, domain widgets), components/ (generic UI) or lib/ (generic logic).",
      from: { path: "^apps/web/src/features/([^/]+)/", pathNot: "^apps/web/src/features/shared/" },
      to: {
        path: "^apps/web/src/features/([^/]+)/",
        pathNot: "^apps/web/src/features/($1|shared)/",
      },
    },
    {
      name: "web-shared-feature-to-features",
      severity: "error",
      comment: "features/shared is used by the features; it imports none of them.",
      from: { path: "^apps/web/src/features/shared/" },
      to: { path: "^apps/web/src/features/", pathNot: "^apps/web/src/features/shared/" },
    },
    {
      name: "web-shared-to-features",
      severity: "error",
      comment: "components/ and lib/ are the SPA's generic pieces: they import no feature (nor the app shell).",
      from: { path: "^apps/web/src/(components|lib)/" },
      to: { path: "^apps/web/src/(features|app)/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "An import that resolves to no file is a typo (and would hide the import from the rules above).",
      from: { path: "^apps/(web|api)/src/" },
      to: { couldNotResolve: true },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "No import circle in the API or the SPA (type-only imports included).",
      from: { path: "^apps/(web|api)/src/" },
      to: { circular: true },
    },
    {
      name: "api-feature-to-job-registry",
      severity: "error",
      comment:
        "The registry collects the features' job definitions; a feature owns its job names in <feature>.jobs.ts " +
        "and starts jobs through the trigger it is given, never through the registry.",
      // tests may read the registry
      from: { path: "^apps/api/src/modules/", pathNot: "\\.test\\.ts$" },
      to: { path: "^apps/api/src/jobs/registry\\.ts$" },
    },
    {
      name: "api-routes-to-database-client",
      severity: "error",
      comment:
        "A route file validates, authorises, calls one service and shapes the answer: the database is reached " +
        "through the feature's repository, never from a *.routes.ts file.",
      from: { path: "^apps/api/src/.+\\.routes\\.ts$" },
      to: {
        path: ["^prisma/src/client\\.ts$", "^prisma/generated/", "(^|/)node_modules/(@prisma/client|\\.prisma)/"],
      },
    },
  ],
  options: {
    // type-only imports count: a circle of types is still a circle
    tsPreCompilationDeps: true,
    doNotFollow: { path: ["node_modules", "^prisma/", "^packages/"] },
    exclude: { path: ["(^|/)dist/", "(^|/)generated/"] },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
