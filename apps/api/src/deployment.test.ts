import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig } from "./config.ts";

// Docker cannot run on every machine: the compose file is checked by reading it as Docker would (merge keys,
// `${VAR:?message}` substitution) and validating each console service's environment with the API's own schema.
const root = path.resolve(import.meta.dirname, "../../..");
const SECRETS_KEY = Buffer.alloc(32, 7).toString("base64");

type Service = {
  build?: string;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  volumes?: string[];
};

/** Compose's variable substitution: `${NAME}`, `${NAME:-default}`, `${NAME:?error}`. */
function substitute(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z_]+)(?::([-?])([^}]*))?\}/g, (_match, name: string, kind?: string, rest?: string) => {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
    if (kind === "?") throw new Error(`${name}: ${rest}`);
    return kind === "-" ? (rest ?? "") : "";
  });
}

function composeServices(env: Record<string, string>): Record<string, Service> {
  const text = substitute(readFileSync(path.join(root, "docker-compose.yml"), "utf8"), env);
  return (parse(text, { merge: true }) as { services: Record<string, Service> }).services;
}

function environmentOf(service: Service): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, String(value)]));
}

const services = composeServices({ SECRETS_KEY });
const consoleServices = Object.entries(services).filter(([, service]) => service.build === ".");

describe("docker-compose.yml", () => {
  it("refuses to start without a SECRETS_KEY, as its comment says", () => {
    expect(() => composeServices({})).toThrow(/SECRETS_KEY: set SECRETS_KEY/);
  });

  it("runs two API instances and a worker from the console's image", () => {
    expect(consoleServices.map(([name]) => name).sort()).toEqual(["app1", "app2", "worker"]);
  });

  it.each(consoleServices)("gives %s an environment the production configuration accepts", (_name, service) => {
    const config = loadConfig(environmentOf(service));
    expect(config.NODE_ENV).toBe("production");
    expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
    expect(config.SMTP_URL).toBe("smtp://smtp:1025");
  });

  it("would fail on a service missing what production requires", () => {
    const { PUBLIC_URL: _dropped, ...withoutPublicUrl } = environmentOf(services.app1 as Service);
    expect(() => loadConfig(withoutPublicUrl)).toThrow(/PUBLIC_URL: required in production/);
  });

  it("runs the jobs in the worker only, and every instance shares the files folder", () => {
    const runs = Object.fromEntries(consoleServices.map(([name, s]) => [name, loadConfig(environmentOf(s))]));
    expect(runs.app1?.RUN_WORKERS).toBe(false);
    expect(runs.app2?.RUN_WORKERS).toBe(false);
    expect(runs.worker?.RUN_WORKERS).toBe(true);
    const scripts = JSON.parse(readFileSync(path.join(root, "apps/api/package.json"), "utf8")).scripts;
    expect(scripts[services.worker?.command?.at(-1) ?? ""]).toContain("dist/worker.js");
    for (const [, service] of consoleServices) {
      expect(service.volumes).toContain("shared-files:/data");
      const config = loadConfig(environmentOf(service));
      expect(config.EXPORTS_DIR?.startsWith("/data/")).toBe(true);
      expect(config.TRUST_PROXY).toBe(true);
    }
  });

  it("puts every API instance, and only those, behind the proxy, checked on /ready", () => {
    const proxy = readFileSync(path.join(root, "deploy/haproxy.cfg"), "utf8");
    const servers = [...proxy.matchAll(/^\s*server (\S+) (\S+):3000 check$/gm)].map((match) => match[2]);
    expect(servers.sort()).toEqual(["app1", "app2"]);
    expect(proxy).toMatch(/option httpchk GET \/ready/);
    expect(services.proxy?.volumes).toContain("./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
  });

  it("gives HAProxy a configuration it accepts", () => {
    // HAProxy from the system (Debian: apt-get install haproxy), or HAPROXY_PATH
    const output = execFileSync(process.env.HAPROXY_PATH ?? "haproxy", ["-c", "-f", "deploy/haproxy.cfg"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(output).toContain("Configuration file is valid");
  });
});
