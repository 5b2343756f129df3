import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { EmbeddedWorkerData } from "./embedded-worker.ts";

export interface EmbeddedPostgres {
  /** a postgres:// URL any client (pg, Prisma, pg-boss) can use */
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** folder kept across restarts; undefined = in memory (tests) */
  dataDir?: string;
  /** 0 = any free port */
  port?: number;
}

declare global {
  /** where the built server's bundle put the worker's script (apps/api/scripts/build.ts); unset from source */
  var MEDIMAIL_EMBEDDED_WORKER: string | undefined;
}

/**
 * Starts PGlite (PostgreSQL compiled to WASM) behind a socket that speaks the PostgreSQL wire protocol, so the
 * rest of the application cannot tell it from a real server. Both run in a worker thread (embedded-worker.ts):
 * PGlite runs each statement synchronously, and the caller's event loop stays free meanwhile.
 * PGlite is a single session: connections take turns (see PGliteServer).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { dataDir, port = 0 } = options;
  let releaseLock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    releaseLock = lockDataDir(dataDir);
  }
  try {
    const script = new URL(globalThis.MEDIMAIL_EMBEDDED_WORKER ?? new URL("./embedded-worker.ts", import.meta.url));
    const workerData: EmbeddedWorkerData = { ...(dataDir ? { dataDir } : {}), port };
    const worker = new Worker(script, { workerData });
    let exited = false;
    const exit = new Promise<void>((resolve) =>
      worker.once("exit", () => {
        exited = true;
        resolve();
      }),
    );
    const actualPort = await new Promise<number>((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (typeof message === "object" && message && "listening" in message) {
          worker.off("error", reject);
          resolve(message.listening as number);
        }
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
      void exit.then(() => reject(new Error("the embedded database's thread stopped while starting")));
    }).catch(async (error) => {
      await worker.terminate();
      throw error;
    });
    // a failure after the start (the thread's own crash) shows in the log; the connections then fail on their own
    worker.on("error", (error) => console.error("embedded database thread:", error));
    let stopping: Promise<void> | undefined;
    return {
      url: `postgresql://postgres:postgres@127.0.0.1:${actualPort}/postgres?sslmode=disable`,
      stop() {
        stopping ??= (async () => {
          try {
            if (!exited) {
              // the thread closes the connections and flushes PGlite's data, then says so; it is not cut short
              const stopped = new Promise<void>((resolve) => {
                worker.on("message", (message) => message === "stopped" && resolve());
                void exit.then(resolve);
              });
              worker.postMessage("stop");
              await stopped;
              await worker.terminate();
            }
          } finally {
            releaseLock();
          }
        })();
        return stopping;
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/** Two processes opening one PGlite folder would corrupt it: refuse the second one clearly. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "medimail.pid");
  try {
    const pid = Number(readFileSync(lockFile, "utf8"));
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `the embedded database in ${dataDir} is already used by process ${pid}; stop it or set DATABASE_URL`,
      );
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
