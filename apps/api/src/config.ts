import path from "node:path";
import { z } from "zod";
import { parseSecretKey } from "./modules/auth/secrets.ts";

const REPOSITORY_ROOT = path.resolve(import.meta.dirname, "../../..");

const booleanString = z
  .enum(["true", "false", "1", "0"], { message: "attendu : true ou false" })
  .transform((value) => value === "true" || value === "1");

const secretKey = z.string().refine((value) => parseSecretKey(value) !== null, {
  message: "must be 32 bytes in base64 or hex (openssl rand -base64 32)",
});

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
  /**
   * rows per transaction of an import's apply, more than JOB_BATCH_SIZE: each transaction costs about 5 ms of its
   * own (the import's row locked, its progress written, the commit, its plan's reads) — 2.3 s of a 100,000-row
   * apply in batches of 200, 1.1 s in batches of 1,000 (measured). A crash loses at most one batch of work, which
   * the next run redoes.
   */
  IMPORT_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** how often a killed worker's job is looked for and handed to another worker */
  JOBS_SUPERVISE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** first delay before a failed job is retried (doubling at each attempt) */
  JOBS_RETRY_DELAY_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** the console's address as browsers reach it (links in mails, Pro Santé Connect's redirect URI) */
  PUBLIC_URL: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), { message: "must be an http(s):// URL" })
    .transform((value) => value.replace(/\/+$/, ""))
    .optional(),
  /** behind a reverse proxy that sets X-Forwarded-For: trust it for the client IP (rate limits, audit) */
  TRUST_PROXY: booleanString.default(false),
  /** send cookies only over HTTPS; default: true in production */
  COOKIE_SECURE: booleanString.optional(),
  /** production on plain transport on purpose (a loopback test bench): allows smtp:// without requireTLS,
   *  an http:// PUBLIC_URL and COOKIE_SECURE=false, which production refuses otherwise */
  ALLOW_INSECURE_TRANSPORT: booleanString.default(false),
  /** a session ends after this many minutes without a request, and after SESSION_ABSOLUTE_HOURS in any case */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24)
    .default(12),
  /** password and code attempts allowed per client IP and per minute (then 429) */
  LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
  /** consecutive wrong passwords that lock an address for a while (ACCOUNT_LOCK_MINUTES) */
  ACCOUNT_LOCK_THRESHOLD: z.coerce.number().int().min(3).max(1000).default(10),
  /** minutes of the 1st, 2nd… temporary lock in a row, comma-separated; the last one repeats */
  ACCOUNT_LOCK_MINUTES: z
    .string()
    .default("1,5,15,60")
    .transform((value) => value.split(",").map((part) => Number(part.trim())))
    .refine((minutes) => minutes.every((m) => Number.isInteger(m) && m >= 1 && m <= 24 * 60), {
      message: "must be whole minutes between 1 and 1440, comma-separated (e.g. 1,5,15,60)",
    }),
  /** a geo.api.gouv.fr-compatible service for commune suggestions; unset = the bundled dataset (offline) */
  COMMUNES_API_URL: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), { message: "must be an http(s):// URL" })
    .optional(),
  /** Pro Santé Connect (OpenID Connect); unset = PSC off, or the local simulation in development */
  PSC_ISSUER: z
    .string()
    .refine((value) => URL.canParse(value), { message: "must be a URL" })
    .optional(),
  PSC_CLIENT_ID: z.string().min(1).optional(),
  PSC_CLIENT_SECRET: z.string().min(1).optional(),
  PSC_SCOPE: z.string().min(1).default("openid scope_all"),
  PSC_ACR_VALUES: z.string().min(1).default("eidas1"),
  /** development only: run a local OpenID provider standing in for PSC on this port (0 = off) */
  PSC_LOCAL_PORT: z.coerce.number().int().min(0).max(65535).default(3099),
  /** folder the nightly publication writes the national directory's feed to (FHIR Bundles, one file per batch);
   *  unset = `directory-feed` in DATA_DIR. Relative paths are from the repository root */
  DIRECTORY_FEED_DIR: z
    .string()
    .min(1)
    .optional()
    .transform((dir) => (dir ? path.resolve(REPOSITORY_ROOT, dir) : undefined)),
  /** where the nightly publication goes: `api` (the ANS MSSanté FHIR API at DIRECTORY_API_URL; in development
   *  without it, the local stand-in) or `file` (PATCH documents in DIRECTORY_FEED_DIR). Unset: `api` in
   *  development (the stand-in), `file` otherwise */
  DIRECTORY_PUBLISHER: z.enum(["file", "api"]).optional(),
  DIRECTORY_API_URL: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), { message: "must be an http(s):// URL" })
    .optional(),
  /** sent in the ESANTE-API-KEY header */
  DIRECTORY_API_KEY: z.string().min(1).optional(),
  /** PEM files: the CAs to trust for the API (the IGC-Santé roots), a client certificate and its key */
  DIRECTORY_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .transform((file) => (file ? path.resolve(REPOSITORY_ROOT, file) : undefined)),
  DIRECTORY_CLIENT_CERT_FILE: z
    .string()
    .min(1)
    .optional()
    .transform((file) => (file ? path.resolve(REPOSITORY_ROOT, file) : undefined)),
  DIRECTORY_CLIENT_KEY_FILE: z
    .string()
    .min(1)
    .optional()
    .transform((file) => (file ? path.resolve(REPOSITORY_ROOT, file) : undefined)),
  DIRECTORY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  DIRECTORY_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  DIRECTORY_RETRIES: z.coerce.number().int().min(0).max(20).default(5),
  /** where the nightly job downloads the ANS's extraction Extraction_Correspondance_MSSante (unset: operators upload it) */
  DIRECTORY_EXTRACTION_URL: z
    .string()
    .refine((value) => /^https?:\/\//.test(value) && URL.canParse(value), { message: "must be an http(s):// URL" })
    .optional(),
  /** development only, DIRECTORY_PUBLISHER=api without DIRECTORY_API_URL: port of the local stand-in (0 = off) */
  DIRECTORY_STANDIN_PORT: z.coerce.number().int().min(0).max(65535).default(3098),
  /** folder of the export files, shared by every instance (a network volume when they run on several machines);
   *  unset = `exports` in DATA_DIR. Relative paths are from the repository root */
  EXPORTS_DIR: z
    .string()
    .min(1)
    .optional()
    .transform((dir) => (dir ? path.resolve(REPOSITORY_ROOT, dir) : undefined)),
  /** hours an export file stays downloadable before the expiry job deletes it */
  EXPORT_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(90 * 24)
    .default(168),
  /** encrypts authenticator seeds and keys recovery codes' HMAC; required in production (a public development key
   *  otherwise). Rotation: the new key here, the old one in SECRETS_KEY_PREVIOUS, then `pnpm secrets:rotate` */
  SECRETS_KEY: secretKey.optional(),
  SECRETS_KEY_PREVIOUS: secretKey.optional(),
  /** seconds given to in-flight requests on SIGTERM before the process exits anyway */
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
});
export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {}

/** Where the nightly publication writes the national directory's feed. */
export function directoryFeedDirOf(config: Pick<Config, "DIRECTORY_FEED_DIR" | "DATA_DIR">): string {
  return config.DIRECTORY_FEED_DIR ?? path.join(config.DATA_DIR, "directory-feed");
}

/** Where export files are written and read. */
export function exportsDirOf(config: Pick<Config, "EXPORTS_DIR" | "DATA_DIR">): string {
  return config.EXPORTS_DIR ?? path.join(config.DATA_DIR, "exports");
}

const INSECURE_HINT = "(or ALLOW_INSECURE_TRANSPORT=true if this is deliberate)";

/**
 * What production refuses on the wire: mail (sign-in codes, registration links) and cookies sent in clear.
 * nodemailer reads `requireTLS=true` from the URL's query: the connection fails rather than stay unencrypted.
 */
function insecureTransport(config: Config): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (config.SMTP_URL) {
    const url = new URL(config.SMTP_URL);
    if (url.protocol === "smtp:" && url.searchParams.get("requireTLS") !== "true") {
      issues.push({
        path: ["SMTP_URL"],
        message: `smtp:// must require STARTTLS in production: use smtps:// or add ?requireTLS=true ${INSECURE_HINT}`,
      });
    }
    if (url.searchParams.get("tls.rejectUnauthorized") === "false") {
      issues.push({
        path: ["SMTP_URL"],
        message: `the mail server's certificate must be checked in production ${INSECURE_HINT}`,
      });
    }
  }
  if (config.PUBLIC_URL?.startsWith("http://")) {
    issues.push({ path: ["PUBLIC_URL"], message: `must be https:// in production ${INSECURE_HINT}` });
  }
  if (config.COOKIE_SECURE === false) {
    issues.push({ path: ["COOKIE_SECURE"], message: `must stay true in production ${INSECURE_HINT}` });
  }
  return issues;
}

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
    if (config.NODE_ENV === "production" && !config.SECRETS_KEY) {
      context.addIssue({ code: "custom", path: ["SECRETS_KEY"], message: "required in production" });
    }
    if (config.NODE_ENV === "production" && !config.PUBLIC_URL) {
      context.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: "required in production" });
    }
    if (config.NODE_ENV === "production" && !config.ALLOW_INSECURE_TRANSPORT) {
      for (const issue of insecureTransport(config)) context.addIssue({ code: "custom", ...issue });
    }
    if (config.DIRECTORY_PUBLISHER === "api" && !config.DIRECTORY_API_URL && config.NODE_ENV !== "development") {
      context.addIssue({
        code: "custom",
        path: ["DIRECTORY_API_URL"],
        message: "required with DIRECTORY_PUBLISHER=api (the local stand-in is for development)",
      });
    }
    if (Boolean(config.DIRECTORY_CLIENT_CERT_FILE) !== Boolean(config.DIRECTORY_CLIENT_KEY_FILE)) {
      context.addIssue({
        code: "custom",
        path: ["DIRECTORY_CLIENT_CERT_FILE"],
        message: "DIRECTORY_CLIENT_CERT_FILE and DIRECTORY_CLIENT_KEY_FILE go together",
      });
    }
    const psc = [config.PSC_ISSUER, config.PSC_CLIENT_ID, config.PSC_CLIENT_SECRET];
    if (psc.some(Boolean) && !psc.every(Boolean)) {
      context.addIssue({
        code: "custom",
        path: ["PSC_ISSUER"],
        message: "PSC_ISSUER, PSC_CLIENT_ID and PSC_CLIENT_SECRET go together",
      });
    }
  }).safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration — ${lines.join("; ")}`);
  }
  return result.data;
}
