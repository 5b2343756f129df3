import { createHash } from "node:crypto";
import { connect, type Socket } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PGliteServer, PRIORITY_APPLICATION_NAME } from "./pglite-server.ts";

// The wire server in front of PGlite, driven by `pg` clients and, where `pg` cannot (pipelines, a client that
// stops mid-exchange), by raw protocol messages: large messages both ways, exchanges from several connections at
// once, clients that leave mid-exchange or mid-transaction, and a statement that fails mid-pipeline.

let db: PGlite;
let server: PGliteServer;
let port: number;
let url: string;

beforeAll(async () => {
  db = await PGlite.create();
  server = new PGliteServer(db);
  port = await server.listen(0, "127.0.0.1");
  url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  await db.exec("CREATE TABLE note (id serial PRIMARY KEY, body text NOT NULL)");
});

afterAll(async () => {
  await server?.close();
  await db?.close();
});

async function client(): Promise<pg.Client> {
  const connected = new pg.Client({ connectionString: url });
  connected.on("error", () => {});
  await connected.connect();
  return connected;
}

/** The session still answers, promptly, on a new connection. */
async function expectAnswering() {
  const started = performance.now();
  const fresh = await client();
  try {
    expect((await fresh.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  } finally {
    await fresh.end();
  }
  expect(performance.now() - started).toBeLessThan(1000);
}

const md5 = (text: string) => createHash("md5").update(text).digest("hex");
/** What `string_agg(md5(i::text), '' ORDER BY i)` over 1..n answers. */
const md5Chain = (n: number) => Array.from({ length: n }, (_, index) => md5(String(index + 1))).join("");

// --- raw protocol --------------------------------------------------------------------------------------------

const cstring = (text: string) => Buffer.from(`${text}\0`);
const int16 = (value: number) => Buffer.from([(value >> 8) & 0xff, value & 0xff]);
const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
};
function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from(type, "latin1"), int32(body.length + 4), body]);
}
const parse = (sql: string) => message("P", cstring(""), cstring(sql), int16(0));
/** Bind of the unnamed statement with text parameters */
const bind = (...values: string[]) =>
  message(
    "B",
    cstring(""),
    cstring(""),
    int16(0),
    int16(values.length),
    ...values.flatMap((value) => [int32(Buffer.byteLength(value)), Buffer.from(value)]),
    int16(0),
  );
const execute = () => message("E", cstring(""), int32(0));
const sync = () => message("S");
const exchange = (sql: string, ...values: string[]) => [parse(sql), bind(...values), execute(), sync()];

interface Answer {
  type: string;
  body: Buffer;
}

/** A connection speaking the protocol by hand: what it sends, and the answers it received so far. */
async function rawClient() {
  const socket: Socket = connect(port, "127.0.0.1");
  const answers: Answer[] = [];
  let pending = Buffer.alloc(0);
  let waiting: (() => void) | null = null;
  socket.on("data", (data) => {
    pending = Buffer.concat([pending, data]);
    while (pending.length >= 5 && pending.length >= 1 + pending.readInt32BE(1)) {
      const length = 1 + pending.readInt32BE(1);
      answers.push({ type: String.fromCharCode(pending[0] as number), body: pending.subarray(5, length) });
      pending = pending.subarray(length);
    }
    waiting?.();
  });
  socket.on("error", () => {});
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  const raw = {
    socket,
    answers,
    send: (...messages: Buffer[]) => socket.write(Buffer.concat(messages)),
    /** waits until `count` ReadyForQuery have come in all */
    async readyCount(count: number) {
      while (answers.filter((answer) => answer.type === "Z").length < count) {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`waiting for ReadyForQuery: ${types()}`)), 10_000);
          waiting = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    },
  };
  const types = () => answers.map((answer) => answer.type).join(" ");
  const startup = Buffer.concat([
    int32(196608),
    cstring("user"),
    cstring("postgres"),
    cstring("database"),
    cstring("postgres"),
    Buffer.from([0]),
  ]);
  socket.write(Buffer.concat([int32(startup.length + 4), startup]));
  await raw.readyCount(1);
  answers.length = 0;
  return raw;
}

/** The values of the DataRows of some answers (one text column each). */
const values = (answers: Answer[]) =>
  answers
    .filter((answer) => answer.type === "D")
    .map((answer) => answer.body.subarray(6, 6 + answer.body.readInt32BE(2)).toString());

// --- tests ---------------------------------------------------------------------------------------------------

describe("large messages", () => {
  it("answers results of several megabytes intact, to several connections at once", async () => {
    // 9.6 MB of text per answer: more than the socket takes at once, so most of it waits in the socket's queue
    // while PGlite writes the rest
    const n = 300_000;
    const clients = await Promise.all(Array.from({ length: 2 }, client));
    try {
      const results = await Promise.all(
        clients.map((each) =>
          each.query<{ chain: string }>(
            `SELECT string_agg(md5(i::text), '' ORDER BY i) AS chain FROM generate_series(1, ${n}) i`,
          ),
        ),
      );
      const expected = md5Chain(n);
      for (const result of results) {
        expect(result.rows[0]?.chain.length).toBe(expected.length);
        expect(result.rows[0]?.chain === expected).toBe(true);
      }
    } finally {
      await Promise.all(clients.map((each) => each.end()));
    }
    await expectAnswering();
  }, 120_000);

  it("receives parameters of several megabytes, from several connections at once", async () => {
    const clients = await Promise.all(Array.from({ length: 3 }, client));
    try {
      const sent = clients.map((_, index) => md5Chain(120_000 + index)); // about 4 MB each
      const results = await Promise.all(
        clients.map((each, index) =>
          each.query<{ length: number; digest: string }>("SELECT length($1) AS length, md5($1) AS digest", [
            sent[index],
          ]),
        ),
      );
      for (const [index, result] of results.entries()) {
        expect(result.rows[0]).toEqual({ length: sent[index]?.length, digest: md5(sent[index] as string) });
      }
    } finally {
      await Promise.all(clients.map((each) => each.end()));
    }
    await expectAnswering();
  }, 120_000);

  it("reads a message that comes one byte at a time", async () => {
    const raw = await rawClient();
    const bytes = Buffer.concat(exchange("SELECT $1::text || '!' AS v", "lent"));
    for (const byte of bytes) {
      raw.socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await raw.readyCount(1);
    expect(values(raw.answers)).toEqual(["lent!"]);
    raw.socket.destroy();
  });

  it("closes a connection that announces an impossible message length, and goes on serving the others", async () => {
    const raw = await rawClient();
    const closed = new Promise((resolve) => raw.socket.once("close", resolve));
    raw.socket.write(Buffer.concat([Buffer.from("Q"), int32(2)]));
    await closed;
    await expectAnswering();
  });
});

describe("concurrent exchanges", () => {
  it("keeps the pipelined exchanges of several connections apart", async () => {
    const raws = await Promise.all(Array.from({ length: 6 }, rawClient));
    // each connection sends 30 exchanges at once; the unnamed statement of one must never be bound by another
    for (const [which, raw] of raws.entries()) {
      raw.send(
        ...Array.from({ length: 30 }, (_, index) =>
          exchange(`SELECT $1::text || '-${which}' AS v`, String(index)),
        ).flat(),
      );
    }
    await Promise.all(raws.map((raw) => raw.readyCount(30)));
    for (const [which, raw] of raws.entries()) {
      expect(values(raw.answers)).toEqual(Array.from({ length: 30 }, (_, index) => `${index}-${which}`));
    }
    for (const raw of raws) raw.socket.destroy();
    await expectAnswering();
  }, 60_000);

  it("lets a transaction finish before another connection's statements run", async () => {
    const [holder, other] = [await client(), await client()];
    try {
      await holder.query("BEGIN");
      await holder.query("INSERT INTO note (body) VALUES ('pendant')");
      let seen: number | null = null;
      const counted = other.query<{ n: number }>("SELECT count(*)::int AS n FROM note WHERE body = 'pendant'");
      void counted.then((result) => (seen = result.rows[0]?.n ?? null));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen).toBeNull(); // waits for its turn: PGlite is one session
      await holder.query("ROLLBACK");
      expect((await counted).rows[0]?.n).toBe(0);
    } finally {
      await holder.end();
      await other.end();
    }
  });

  it("does not hold the session while the rest of an exchange is on its way", async () => {
    const raw = await rawClient();
    const body = "x".repeat(4 * 1024 * 1024);
    const messages = Buffer.concat(exchange("INSERT INTO note (body) VALUES ($1) RETURNING length(body)::text", body));
    // Parse whole, then half of the 4 MB Bind: a client that sends slowly (its event loop busy elsewhere)
    const half = Math.floor(messages.length / 2);
    raw.send(messages.subarray(0, half));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(raw.answers).toEqual([]);
    await expectAnswering(); // the others are served meanwhile
    raw.send(messages.subarray(half));
    await raw.readyCount(1);
    expect(values(raw.answers)).toEqual([String(body.length)]);
    raw.socket.destroy();
  });

  it("gives the next turn to a connection named PRIORITY_APPLICATION_NAME, ahead of those already waiting", async () => {
    const holder = await client();
    const ordinary = await Promise.all([client(), client(), client()]);
    const priority = new pg.Client({ connectionString: url, application_name: PRIORITY_APPLICATION_NAME });
    priority.on("error", () => {});
    await priority.connect();
    try {
      await holder.query("BEGIN");
      const order: string[] = [];
      const queued = ordinary.map((other, index) =>
        other.query("SELECT 1").then(() => order.push(`ordinary ${index}`)),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const asked = priority.query("SELECT 1").then(() => order.push("priority"));
      await new Promise((resolve) => setTimeout(resolve, 200));
      // it cannot cut into a transaction: it waits for it like the others
      expect(order).toEqual([]);
      await holder.query("COMMIT");
      await Promise.all([...queued, asked]);
      expect(order).toEqual(["priority", "ordinary 0", "ordinary 1", "ordinary 2"]);
    } finally {
      await holder.end();
      for (const other of ordinary) await other.end();
      await priority.end();
    }
  });
});

describe("clients that leave", () => {
  it("releases the turn and rolls back the transaction of a client destroyed mid-transaction", async () => {
    const leaving = await client();
    await leaving.query("BEGIN");
    await leaving.query("INSERT INTO note (body) VALUES ('abandonnée')");
    // (its connection waits for the turn: the session is in the other's transaction)
    const waiting = client();
    await new Promise((resolve) => setTimeout(resolve, 100));
    (leaving as unknown as { connection: { stream: Socket } }).connection.stream.destroy();
    const other = await waiting;
    const counted = await other.query<{ n: number }>("SELECT count(*)::int AS n FROM note WHERE body = 'abandonnée'");
    expect(counted.rows[0]?.n).toBe(0);
    await other.end();
    await expectAnswering();
  });

  it("releases the turn of a client destroyed mid-exchange, even after an error", async () => {
    const raw = await rawClient();
    // Parse and Bind without Sync: the exchange stays open; the division fails at Bind
    raw.send(parse("SELECT 1 / $1::int"), bind("0"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(raw.answers.map((answer) => answer.type)).toEqual(["1", "E"]);
    raw.socket.destroy();
    // the next connection's exchange must run, not be skipped as the rest of the failed one
    await expectAnswering();
    const other = await client();
    expect((await other.query("SELECT $1::int + 1 AS v", [41])).rows).toEqual([{ v: 42 }]);
    await other.end();
  });

  it("forgets a client destroyed while it waits for its turn", async () => {
    const [holder, raw] = [await client(), await rawClient()];
    await holder.query("BEGIN");
    raw.send(...exchange("INSERT INTO note (body) VALUES ('jamais')"));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(raw.answers).toEqual([]); // in the queue behind the transaction
    raw.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await holder.query("COMMIT");
    await holder.end();
    await expectAnswering();
    expect((await db.query("SELECT count(*)::int AS n FROM note WHERE body = 'jamais'")).rows).toEqual([{ n: 0 }]);
  });
});

describe("errors in a pipeline", () => {
  it("skips to the Sync after a statement fails mid-pipeline, like PostgreSQL", async () => {
    const raw = await rawClient();
    raw.send(
      parse("INSERT INTO note (body) VALUES ('avant')"),
      bind(),
      execute(),
      parse("SELECT 1 / 0"),
      bind(),
      execute(),
      parse("INSERT INTO note (body) VALUES ('après')"),
      bind(),
      execute(),
      sync(),
      ...exchange("SELECT count(*)::text AS v FROM note WHERE body IN ('avant', 'après')"),
    );
    await raw.readyCount(2);
    // Parse, Bind, Execute (INSERT 0 1), Parse, the error (at Bind: 1 / 0 is folded when planned), nothing more
    // until the Sync's ReadyForQuery; the implicit transaction is rolled back, the insert with it; then the next
    // exchange as usual
    expect(raw.answers.map((answer) => answer.type).join(" ")).toBe("1 2 C 1 E Z 1 2 D C Z");
    expect(raw.answers[5]?.body.toString()).toBe("I");
    expect(values(raw.answers)).toEqual(["0"]);
    raw.socket.destroy();
    await expectAnswering();
  });
});
