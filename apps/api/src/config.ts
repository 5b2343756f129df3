import path from "node:path";
import { z } from "zod";

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, "../../..");

const booleanString = z
  .enum(["true", "false", "1", "0"], { message: "attendu : true ou false" })
  .transform((value) => value === "true" || value === "1");

const postgresUrl = z.string().refine((value) => /^postgres(ql)?:\/\/[^/]+/.test(value) && URL.canParse(value), {
  message: "must be a postgresql://user@host:port/database URL",
});

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  HOST: z.string().min(1).default("localhost"),
  PORT: z.coerce.number({ message: "must be a port number" }).int().min(0).max(65535).default(3000),
  /** unset = embedded PGlite in DATA_DIR, loaded with demo data when empty */
  DATABASE_URL: postgresUrl.optional(),
  /** the embedded database's folder; relative paths are from the repository root */
  DATA_DIR: z
    .string()
    .min(1)
    .default("data")
    .transform((dir) => path.resolve(REPOSITORY_ROOT, dir)),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** folder of the built SPA served on the same port; empty = API only */
  WEB_DIST: z.string().default(path.resolve(import.meta.dirname, "../../web/dist")),
  /** load the demo into an empty embedded database (never into DATABASE_URL; use pnpm db:seed there) */
  SEED_DEMO: booleanString.default(true),
  /** outgoing mail server, e.g. smtp://user:pass@host:587; unset = a built-in catcher (not in production) */
  SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\//.test(value) && URL.canParse(value), {
      message: "must be an smtp:// or smtps:// URL",
    })
    .optional(),
  SMTP_CATCHER_PORT: z.coerce.number().int().min(0).max(65535).default(2525),
  MAIL_FROM: z.string().min(3).default("Medimail Admin <ne-pas-repondre@medimail-admin.local>"),
  /** run the background workers and the scheduler in this process (`pnpm worker` runs them alone) */
  RUN_WORKERS: booleanString.default(true),
  JOB_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(200),
  /** how often a killed worker's job is looked for and handed to another worker */
  JOBS_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** first delay before a failed job is retried (doubling at each attempt) */
  JOBS_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** seconds given to in-flight requests on SIGTERM before the process exits anyway */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Reads and validates the environment; one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.superRefine((config, context) => {
    if (config.NODE_ENV === "production" && !config.SMTP_URL) {
      context.addIssue({
        code: "custom",
        path: ["SMTP_URL"],
        message: "required in production (the mail catcher is for development)",
      });
    }
  }).safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration — ${lines.join("; ")}`);
  }
  return result.data;
}
