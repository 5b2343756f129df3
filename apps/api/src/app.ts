import { randomUUID } from "node:crypto";
import cookie from "@fastify/cookie";
import helmet from "@fastify/helmet";
import type { Db } from "@medimail/db/client";
import Fastify, { type FastifyBaseLogger } from "fastify";
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Background } from "./jobs/background.ts";
import { devMailsRoutes } from "./modules/dev-mails/dev-mails.routes.ts";
import { healthRoutes } from "./modules/health/health.routes.ts";
import { jobsRoutes } from "./modules/jobs/jobs.routes.ts";
import { createJobsService } from "./modules/jobs/jobs.service.ts";
import { createStructuresRepository } from "./modules/structures/structures.repository.ts";
import { structuresRoutes } from "./modules/structures/structures.routes.ts";
import { createStructuresService } from "./modules/structures/structures.service.ts";
import { registerErrorHandling } from "./plugins/errors.ts";
import { registerSwagger } from "./plugins/swagger.ts";
import { registerWeb } from "./plugins/web.ts";

export interface BuildAppOptions {
  db: Db;
  /** a pino logger; none in tests */
  logger?: FastifyBaseLogger;
  /** folder of the built SPA; undefined = API only */
  webDist?: string;
  /** job queue and definitions; without it the jobs' routes are not served */
  background?: Pick<Background, "definitions" | "queue" | "clock" | "catcher">;
}

/** The composition root: plugins, services wired to their dependencies, routes. Never listens (tests use inject). */
export async function buildApp({ db, logger, webDist, background }: BuildAppOptions) {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    genReqId: (request) => {
      const incoming = request.headers["x-request-id"];
      return typeof incoming === "string" && /^[\w-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  registerErrorHandling(app);

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
  await registerSwagger(app);

  const structures = createStructuresService({ repository: createStructuresRepository(db) });

  await app.register(healthRoutes, { pingDatabase: async () => void (await db.$queryRaw`SELECT 1`) });
  await app.register(
    async (api) => {
      await api.register(structuresRoutes, { service: structures });
      if (background) {
        const jobs = createJobsService({
          db,
          definitions: background.definitions,
          dispatch: background.queue.dispatch,
          clock: background.clock,
        });
        await api.register(jobsRoutes, { service: jobs });
        if (background.catcher) await api.register(devMailsRoutes, { catcher: background.catcher });
      }
    },
    { prefix: "/api" },
  );

  if (webDist) await registerWeb(app, webDist);
  return app;
}
export type App = Awaited<ReturnType<typeof buildApp>>;
