// The embedded PostgreSQL's thread (started by embedded.ts): PGlite and its wire server, away from the event loop of
// the process that uses them. PGlite runs each statement synchronously — a 19 MB write holds its thread for
// tenths of a second, seconds when its memory grows — so in the API's own thread it stopped every request meanwhile.
//
// Messages: in workerData, where the data is and which port to take; to the parent, { listening: port } once the
// server answers; from the parent, "stop" (close the connections, flush and close PGlite), answered "stopped".
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PGliteServer } from "./pglite-server.ts";

export interface EmbeddedWorkerData {
  /** folder kept across restarts; undefined = in memory */
  dataDir?: string;
  port: number;
}

const parent = parentPort;
if (!parent) throw new Error("embedded-worker.ts runs as a worker thread (see startEmbeddedPostgres)");
const { dataDir, port } = workerData as EmbeddedWorkerData;

// pg_trgm backs the accounts' free-text search (a migration creates the extension)
const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
const server = new PGliteServer(db);
let listening: number;
try {
  listening = await server.listen(port, "127.0.0.1");
} catch (error) {
  await db.close();
  throw error;
}

parent.on("message", (message) => {
  if (message !== "stop") return;
  void (async () => {
    await server.close();
    await db.close();
    parent.postMessage("stopped");
    parent.close();
  })();
});
parent.postMessage({ listening });
