import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { Db } from "@medimail/db/client";
import Fastify, { type FastifyBaseLogger } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Background } from "./jobs/background.ts";
import { systemClock } from "./jobs/job-definition.ts";
import { createJobTriggers } from "./jobs/job-triggers.ts";
import { createScope } from "./lib/scope.ts";
import { createAccountLinksService } from "./modules/accounts/account-links.service.ts";
import { createAccountsRepository } from "./modules/accounts/accounts.repository.ts";
import { accountsRoutes } from "./modules/accounts/accounts.routes.ts";
import { createAccountsService } from "./modules/accounts/accounts.service.ts";
import { registrationRoutes } from "./modules/accounts/registration.routes.ts";
import { createRegistrationService } from "./modules/accounts/registration.service.ts";
import { ACTIVITY_JOB_NAMES } from "./modules/activity/activity.jobs.ts";
import { activityRoutes } from "./modules/activity/activity.routes.ts";
import { createActivityService } from "./modules/activity/activity.service.ts";
import { recordAudit } from "./modules/audit/audit.repository.ts";
import { auditRoutes } from "./modules/audit/audit.routes.ts";
import { createAuditService } from "./modules/audit/audit.service.ts";
import { installAuthHooks } from "./modules/auth/auth.hooks.ts";
import { authRoutes } from "./modules/auth/auth.routes.ts";
import { type AuthSettings, defaultAuthSettings } from "./modules/auth/auth-settings.ts";
import { createLoginService } from "./modules/auth/login.service.ts";
import { meRoutes } from "./modules/auth/me.routes.ts";
import { createMeService } from "./modules/auth/me.service.ts";
import { createPscClient } from "./modules/auth/psc/psc-client.ts";
import { createPscService } from "./modules/auth/psc.service.ts";
import { databaseRateLimitStore } from "./modules/auth/rate-limit-store.ts";
import { securityRoutes } from "./modules/auth/security.routes.ts";
import { createSecurityService } from "./modules/auth/security.service.ts";
import { createSessionRepository } from "./modules/auth/session.repository.ts";
import { exportsRoutes } from "./modules/bulk/exports.routes.ts";
import { createExportsService } from "./modules/bulk/exports.service.ts";
import { IMPORTS_JOB_NAMES } from "./modules/bulk/imports.jobs.ts";
import { importsRoutes } from "./modules/bulk/imports.routes.ts";
import { createImportsService } from "./modules/bulk/imports.service.ts";
import { remindersRoutes } from "./modules/bulk/reminders.routes.ts";
import { createRemindersService } from "./modules/bulk/reminders.service.ts";
import { templateRoutes } from "./modules/bulk/template.routes.ts";
import { devMailsRoutes } from "./modules/dev-mails/dev-mails.routes.ts";
import { createDirectoryService, directoryRoutes } from "./modules/directory/directory.routes.ts";
import { directoryVisibilityRoutes } from "./modules/directory-visibility/directory-visibility.routes.ts";
import { createDirectoryVisibilityService } from "./modules/directory-visibility/directory-visibility.service.ts";
import { feedReportRoutes } from "./modules/feed-report/feed-report.routes.ts";
import { createFeedReportService } from "./modules/feed-report/feed-report.service.ts";
import { type CommuneDirectory, createBundledCommuneDirectory } from "./modules/geo/communes.ts";
import { geoRoutes } from "./modules/geo/geo.routes.ts";
import { createHealthRepository } from "./modules/health/health.repository.ts";
import { healthRoutes } from "./modules/health/health.routes.ts";
import { jobRunsRoutes } from "./modules/job-runs/job-runs.routes.ts";
import { createJobRunsService } from "./modules/job-runs/job-runs.service.ts";
import { OUTBOX_JOB_NAMES } from "./modules/mail/outbox.jobs.ts";
import { MSSANTE_JOB_NAMES } from "./modules/mssante/mssante.jobs.ts";
import { mssanteRoutes } from "./modules/mssante/mssante.routes.ts";
import { createMssanteService } from "./modules/mssante/mssante.service.ts";
import { structureOptionsRoutes } from "./modules/structures/structure-options.routes.ts";
import { createStructureOptionsService } from "./modules/structures/structure-options.service.ts";
import { createStructureOverviewService } from "./modules/structures/structure-overview.service.ts";
import { structureSettingsRoutes } from "./modules/structures/structure-settings.routes.ts";
import { createStructureSettingsService } from "./modules/structures/structure-settings.service.ts";
import { createStructuresRepository } from "./modules/structures/structures.repository.ts";
import { structuresRoutes } from "./modules/structures/structures.routes.ts";
import { createStructuresService } from "./modules/structures/structures.service.ts";
import { registerErrorHandling } from "./plugins/errors.ts";
import { registerInputGuard } from "./plugins/input-guard.ts";
import { registerSwagger } from "./plugins/swagger.ts";
import { registerWeb } from "./plugins/web.ts";

export interface BuildAppOptions {
  db: Db;
  /** a pino logger; none in tests */
  logger?: FastifyBaseLogger;
  /** folder of the built SPA; undefined = API only */
  webDist?: string;
  /** job queue and definitions; without it the jobs' routes are not served */
  background?: Pick<Background, "definitions" | "queue" | "clock" | "catcher" | "exportsDir">;
  /** folder of the export files (default: the background's, else a folder of the system's temp dir) */
  exportsDir?: string;
  /** sign-in and session settings (defaults: development-friendly, see AuthSettings) */
  auth?: Partial<AuthSettings>;
  /** where commune suggestions come from (default: the bundled dataset) */
  communes?: CommuneDirectory;
  /** trust X-Forwarded-For (only behind a reverse proxy that sets it: the client IP drives rate limits) */
  trustProxy?: boolean;
  /** the console's public address, for links in mails (default http://localhost:3000) */
  publicUrl?: string;
  /** serve the OpenAPI description at /api/docs (default true; production turns it off) */
  apiDocs?: boolean;
}

/** The composition root: plugins, services wired to their dependencies, routes. Never listens (tests use inject). */
export async function buildApp({
  db,
  logger,
  webDist,
  background,
  auth,
  exportsDir = background?.exportsDir ?? path.join(os.tmpdir(), "medimail-exports"),
  trustProxy = false,
  communes = createBundledCommuneDirectory(),
  publicUrl = "http://localhost:3000",
  apiDocs = true,
}: BuildAppOptions) {
  const settings: AuthSettings = { ...defaultAuthSettings, ...auth };
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    genReqId: (request) => {
      const incoming = request.headers["x-request-id"];
      return typeof incoming === "string" && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy,
  }).withTypeProvider<ZodTypeProvider>();
  // Only JSON bodies: a cross-site form or a text/plain POST (the CSRF "simple requests") is refused with 415.
  app.removeContentTypeParser("text/plain");

  // The route table, for the authorization matrix test: every route must be listed there with its access rule.
  const routeTable: { method: string; url: string; access: string | undefined }[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      routeTable.push({ method, url: route.url, access: route.config?.access });
    }
  });

  // zod's own messages (those the contracts do not write) in French, as every message of the API
  z.config(z.locales.fr());
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  registerErrorHandling(app);
  registerInputGuard(app);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // DSFR icons are inline SVG data URLs; Swagger UI needs inline styles.
        imgSrc: ["'self'", "data:"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        fontSrc: ["'self'", "data:"],
      },
    },
  });
  await app.register(cookie);
  await registerSwagger(app, { serve: apiDocs });
  await app.register(rateLimit, {
    global: false,
    store: databaseRateLimitStore(db, (ip) =>
      recordAudit(
        db,
        { id: null, label: `IP ${ip}`, ip, requestId: null },
        { action: "auth.rate-limited", entityType: "ip", entityId: ip },
      ),
    ),
  });

  const sessions = createSessionRepository(db, settings);
  installAuthHooks(app, { sessions, settings });

  // the one way services start jobs: without background, `soon` does nothing and a recorded run waits for its test
  const triggers = createJobTriggers({
    db,
    queue: background?.queue,
    clock: background?.clock ?? systemClock,
    log: app.log,
  });
  const deliverMailSoon = triggers.soon(OUTBOX_JOB_NAMES.outbox);
  const scope = createScope(db);
  const login = createLoginService({ db, settings, deliverMailSoon });
  const psc = settings.psc ? createPscService({ db, client: createPscClient(settings.psc), login }) : null;
  const structures = createStructuresService({ repository: createStructuresRepository(db) });
  const feedReport = createFeedReportService({ db, scope });

  await app.register(healthRoutes, { pingDatabase: createHealthRepository(db).ping });
  await app.register(
    async (api) => {
      await api.register(authRoutes, { login, psc, settings });
      await api.register(meRoutes, { me: createMeService({ db, settings }), psc, settings });
      await api.register(securityRoutes, { service: createSecurityService({ db }) });
      await api.register(auditRoutes, { service: createAuditService({ db, scope }) });
      await api.register(structuresRoutes, { service: structures });
      await api.register(structureSettingsRoutes, {
        service: createStructureSettingsService({ db, scope, communes }),
        overview: createStructureOverviewService({ db, scope, feedReport }),
      });
      await api.register(structureOptionsRoutes, {
        service: createStructureOptionsService({ db, scope, communes }),
      });
      await api.register(activityRoutes, {
        service: createActivityService({
          db,
          scope,
          exportsDir,
          startExportsSoon: triggers.soon(ACTIVITY_JOB_NAMES.exports),
        }),
      });
      await api.register(geoRoutes, { communes });
      await api.register(feedReportRoutes, { service: feedReport });
      const accountsRepository = createAccountsRepository(db);
      const accounts = createAccountsService({ db, scope, repository: accountsRepository, deliverMailSoon, publicUrl });
      await api.register(accountsRoutes, {
        service: accounts,
        links: createAccountLinksService({
          db,
          scope,
          repository: accountsRepository,
          accounts,
          deliverMailSoon,
          publicUrl,
        }),
        attemptsPerMinute: settings.loginAttemptsPerMinute,
      });
      // bulk work of the accounts section: template, exports, reminders to every pre-registered user
      await api.register(templateRoutes, { scope });
      await api.register(exportsRoutes, {
        service: createExportsService({ db, scope, accounts: accountsRepository }),
      });
      await api.register(remindersRoutes, {
        service: createRemindersService({
          db,
          scope,
          accounts: accountsRepository,
          deliverMailSoon,
          publicUrl,
        }),
      });
      await api.register(importsRoutes, {
        service: createImportsService({
          db,
          scope,
          startImport: triggers.withChange(IMPORTS_JOB_NAMES.imports),
          log: app.log,
        }),
      });
      await api.register(mssanteRoutes, {
        service: createMssanteService({
          db,
          scope,
          repository: accountsRepository,
          accounts,
          startActivation: triggers.soon(MSSANTE_JOB_NAMES.mssActivations),
        }),
      });
      await api.register(registrationRoutes, {
        service: createRegistrationService({ db, deliverMailSoon, publicUrl }),
        attemptsPerMinute: settings.loginAttemptsPerMinute,
      });
      await api.register(directoryRoutes, { service: createDirectoryService(db) });
      await api.register(directoryVisibilityRoutes, { service: createDirectoryVisibilityService({ db, scope }) });
      if (background) {
        const jobRuns = createJobRunsService({
          db,
          definitions: background.definitions,
          triggers,
          clock: background.clock,
        });
        await api.register(jobRunsRoutes, { service: jobRuns });
        if (background.catcher) await api.register(devMailsRoutes, { catcher: background.catcher });
      }
    },
    { prefix: "/api" },
  );

  if (webDist) await registerWeb(app, webDist);
  return Object.assign(app, { routeTable: routeTable as readonly { method: string; url: string; access?: string }[] });
}
export type App = Awaited<ReturnType<typeof buildApp>>;
