// Several API processes on one PostgreSQL behind HAProxy, as deployed (deploy/haproxy.cfg): used by the
// three-instance integration test and by bench/three-instances.ts.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const REPOSITORY = path.resolve(import.meta.dirname, "../../..");
const API_DIR = path.join(REPOSITORY, "apps/api");

export interface Instance {
  name: string;
  port: number;
  process: ChildProcess;
  /** stderr as printed so far (the processes log at warn level) */
  stderr(): string;
}

export interface Cluster {
  /** the proxy's address: what a browser would use */
  url: string;
  instances: Instance[];
  /** SIGKILL one instance: no grace, its in-flight requests are lost */
  kill(name: string): void;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  instances: number;
  databaseUrl: string;
  /** environment of every instance (besides PORT, HOST, DATABASE_URL) */
  env: Record<string, string>;
  /** the script each instance runs and Node's options: src/server.ts by default */
  script?: string;
  nodeOptions?: string[];
  /** a response header naming the instance that answered (tests assert that requests were spread) */
  servedByHeader?: boolean;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`an instance exited (${child.exitCode}): ${stderr()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} not ready within 60 s: ${stderr()}`);
}

/** deploy/haproxy.cfg with this cluster's listening port and servers instead of the compose services. */
function proxyConfig(port: number, instances: Instance[], servedByHeader: boolean): string {
  const deployed = readFileSync(path.join(REPOSITORY, "deploy/haproxy.cfg"), "utf8");
  const servers = instances.map((instance) => `    server ${instance.name} 127.0.0.1:${instance.port} check`);
  const lines = deployed
    .split("\n")
    .filter((line) => !/^\s*server /.test(line))
    .map((line) => (/^\s*bind :\d+$/.test(line) ? `    bind 127.0.0.1:${port}` : line));
  const backend = lines.findIndex((line) => line.startsWith("backend "));
  const extra = servedByHeader ? ["    http-response set-header X-Served-By %s"] : [];
  return [...lines.slice(0, backend + 1), ...extra, ...lines.slice(backend + 1), ...servers, ""].join("\n");
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const folder = mkdtempSync(path.join(tmpdir(), "medimail-cluster-"));
  const instances: Instance[] = [];
  const children: ChildProcess[] = [];
  try {
    for (let i = 1; i <= options.instances; i++) {
      const port = await freePort();
      const child = spawn(
        process.execPath,
        [...(options.nodeOptions ?? []), options.script ?? path.join(API_DIR, "src/server.ts")],
        {
          cwd: API_DIR,
          env: {
            ...process.env,
            ...options.env,
            HOST: "127.0.0.1",
            PORT: String(port),
            DATABASE_URL: options.databaseUrl,
          },
          stdio: ["ignore", "ignore", "pipe"],
        },
      );
      children.push(child);
      let stderr = "";
      child.stderr?.on("data", (chunk: Buffer) => {
        stderr = (stderr + chunk.toString()).slice(-20_000);
      });
      instances.push({ name: `app${i}`, port, process: child, stderr: () => stderr });
    }
    await Promise.all(
      instances.map((instance) =>
        waitUntilReady(`http://127.0.0.1:${instance.port}/ready`, instance.process, instance.stderr),
      ),
    );
    const proxyPort = await freePort();
    const configFile = path.join(folder, "haproxy.cfg");
    writeFileSync(configFile, proxyConfig(proxyPort, instances, options.servedByHeader ?? false));
    const proxy = spawn(process.env.HAPROXY_PATH ?? "haproxy", ["-db", "-f", configFile], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(proxy);
    let proxyErrors = "";
    proxy.stderr?.on("data", (chunk: Buffer) => {
      proxyErrors = (proxyErrors + chunk.toString()).slice(-20_000);
    });
    const url = `http://127.0.0.1:${proxyPort}`;
    await waitUntilReady(`${url}/ready`, proxy, () => proxyErrors);
    return {
      url,
      instances,
      kill(name) {
        instances.find((instance) => instance.name === name)?.process.kill("SIGKILL");
      },
      async stop() {
        await Promise.all(children.map(stopProcess));
        rmSync(folder, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await Promise.all(children.map(stopProcess));
    rmSync(folder, { recursive: true, force: true });
    throw error;
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
