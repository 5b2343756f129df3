import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
/**
 * Messages after which a client waits for answers (Sync, Query, Flush, CopyDone, CopyFail, a password, Terminate):
 * those that end what a connection sends at once.
 */
const WAITS_FOR_ANSWERS = new Set([SYNC, QUERY, 0x48, 0x63, 0x66, 0x70, TERMINATE]);
/** How long messages that do not end an exchange wait for the rest of it before they run anyway. */
const REST_OF_EXCHANGE_MS = 5;
const IDLE = 0x49; // 'I', the transaction status of a ReadyForQuery outside any transaction
/** PostgreSQL's own limit on a client message (PQ_LARGE_MESSAGE_LIMIT) */
const MAX_MESSAGE = 0x3fffffff;
/** what a connection that went away mid-exchange leaves PGlite with: CopyFail ends a COPY, Sync an exchange */
const COPY_FAIL = frame(0x66, Buffer.from("connexion fermée\0"));
const SYNC_FRAME = frame(SYNC, Buffer.alloc(0));
const ROLLBACK = frame(QUERY, Buffer.from("ROLLBACK\0"));

/**
 * The `application_name` of a connection that takes its turn before the others waiting (a readiness check must
 * answer while uploads queue their statements; it still waits for the statement or transaction under way).
 */
export const PRIORITY_APPLICATION_NAME = "medimail-priority";

function frame(type: number, body: Buffer): Uint8Array {
  const message = Buffer.alloc(5 + body.length);
  message[0] = type;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return new Uint8Array(message);
}

/**
 * Serves one PGlite over the PostgreSQL wire protocol to any number of connections.
 *
 * PGlite is a single backend session, so connections must take turns. The unit of a turn is not one
 * message: an extended-protocol exchange (Parse, Bind, Describe, Execute … Sync) must run without another
 * connection's messages in between, or the unnamed statement of one is bound by the other and results are
 * mixed up (this is what `@electric-sql/pglite-socket` 0.2 gets wrong under concurrency). A connection
 * therefore holds the session from its first message until PGlite answers it ReadyForQuery (after a Sync or
 * a simple Query) outside any transaction — it keeps it for as long as it has a transaction open. Waiting
 * connections get their turns in order, except those named PRIORITY_APPLICATION_NAME, which go first. A connection
 * asks for its turn once the exchange it sends has come whole (up to its Sync): a statement whose parameters weigh
 * megabytes must not hold the session while they are still on their way, from a client that may be slow to send.
 *
 * PGlite writes its answers through a view on its WebAssembly memory that the next answer overwrites (and
 * that a memory growth detaches): every chunk is copied before it is queued on a socket, or a client that
 * reads slower than PGlite writes receives other bytes than those sent (protocol desync) or none (a hang).
 */
export class PGliteServer {
  private server: Server | undefined;
  private owner: Connection | null = null;
  private waiters: { connection: Connection; resolve: () => void }[] = [];
  private connections = new Set<Connection>();

  private readonly db: PGlite;

  constructor(db: PGlite) {
    this.db = db;
  }

  async listen(port: number, host: string): Promise<number> {
    await this.db.waitReady;
    const server = createServer((socket) => {
      const connection = new Connection(this, socket);
      this.connections.add(connection);
      socket.once("close", () => {
        this.connections.delete(connection);
        void connection.closed();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    return typeof address === "object" && address ? address.port : port;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** @internal */
  async acquire(connection: Connection): Promise<void> {
    if (this.owner === connection) return;
    if (this.owner === null) {
      this.owner = connection;
      return;
    }
    await new Promise<void>((resolve) => {
      const waiter = { connection, resolve };
      if (!connection.priority) this.waiters.push(waiter);
      else {
        const firstOrdinary = this.waiters.findIndex((other) => !other.connection.priority);
        this.waiters.splice(firstOrdinary === -1 ? this.waiters.length : firstOrdinary, 0, waiter);
      }
    });
  }

  /** @internal */
  release(connection: Connection): void {
    if (this.owner !== connection) return;
    const next = this.waiters.shift();
    this.owner = next?.connection ?? null;
    next?.resolve();
  }

  /** @internal */
  holds(connection: Connection): boolean {
    return this.owner === connection;
  }

  /**
   * @internal Runs one message of `connection` in its turn; `answer` receives PGlite's answer, chunk by chunk
   * (views on PGlite's memory, valid only during the call). The turn is released when `answer` reports an idle
   * ReadyForQuery. A connection whose socket closed while it waited runs nothing: `abandon` cleans up after it.
   */
  async run(connection: Connection, message: Uint8Array, answer: (chunk: Uint8Array) => void): Promise<void> {
    await this.acquire(connection);
    if (connection.socket.destroyed) return;
    await this.db.execProtocolRawStream(message, { onRawData: answer });
  }

  /**
   * @internal A connection that goes away while it holds the session must not leave it mid-exchange (PGlite
   * would skip the next connection's messages up to its Sync) nor in its transaction: CopyFail and Sync end
   * whatever exchange it left, ROLLBACK its transaction, then the next connection gets its turn.
   */
  async abandon(connection: Connection): Promise<void> {
    this.waiters = this.waiters.filter((waiter) => waiter.connection !== connection);
    if (this.owner !== connection) return;
    try {
      const discard = () => {};
      await this.db.execProtocolRawStream(COPY_FAIL, { onRawData: discard });
      await this.db.execProtocolRawStream(SYNC_FRAME, { onRawData: discard });
      if (this.db.isInTransaction()) await this.db.execProtocolRawStream(ROLLBACK, { onRawData: discard });
    } finally {
      this.release(connection);
    }
  }
}

class Connection {
  /** received bytes not yet cut into messages, as they came (concatenating on every chunk is quadratic) */
  private chunks: Buffer[] = [];
  private received = 0;
  private started = false;
  /** announced PRIORITY_APPLICATION_NAME in its startup message */
  priority = false;
  private chain: Promise<void> = Promise.resolve();
  /** whole messages received, not yet run: the start of an exchange whose rest is on its way */
  private queued: Buffer[] = [];
  private restTimer: NodeJS.Timeout | undefined;
  private readonly answers: Answers;

  private readonly server: PGliteServer;
  readonly socket: Socket;

  constructor(server: PGliteServer, socket: Socket) {
    this.server = server;
    this.socket = socket;
    this.answers = new Answers(socket);
    socket.setNoDelay(true);
    socket.on("data", (data) => this.receive(data));
    socket.on("error", () => socket.destroy());
  }

  closed(): Promise<void> {
    clearTimeout(this.restTimer);
    this.queued = [];
    this.chain = this.chain.then(() => this.server.abandon(this)).catch(() => {});
    return this.chain;
  }

  private receive(data: Buffer): void {
    this.chunks.push(data);
    this.received += data.length;
    for (;;) {
      let message: Buffer | null;
      try {
        message = this.nextMessage();
      } catch {
        this.socket.destroy();
        return;
      }
      if (!message) break;
      this.queued.push(message);
    }
    this.dispatch();
  }

  /**
   * Runs the queued messages up to the last one after which the client waits for answers; the rest waits for
   * what completes it — or, when nothing more is on its way, a few milliseconds (a client may send part of an
   * exchange and wait for its answers without a Sync, PGlite answers as it goes).
   */
  private dispatch(): void {
    clearTimeout(this.restTimer);
    let until = -1;
    for (let index = this.queued.length - 1; index >= 0; index--) {
      const type = (this.queued[index] as Buffer)[0] as number;
      if (type === 0 || WAITS_FOR_ANSWERS.has(type)) {
        until = index;
        break;
      }
    }
    if (until >= 0) this.enqueue(this.queued.splice(0, until + 1));
    if (this.queued.length > 0 && this.received === 0) {
      this.restTimer = setTimeout(() => this.enqueue(this.queued.splice(0)), REST_OF_EXCHANGE_MS);
    }
  }

  private enqueue(messages: Buffer[]): void {
    for (const message of messages) {
      this.chain = this.chain
        .then(() => this.handle(message))
        .catch(() => {
          this.socket.destroy();
        });
    }
  }

  /** The next whole message received, or null; throws on a length no client would send. */
  private nextMessage(): Buffer | null {
    const headerLength = this.started ? 5 : 4;
    if (this.received < headerLength) return null;
    const header = this.peek(headerLength);
    const length = this.started ? 1 + header.readInt32BE(1) : header.readInt32BE(0);
    if (length < headerLength || length > MAX_MESSAGE) throw new Error(`invalid message length ${length}`);
    if (this.received < length) return null;
    if (!this.started && length < 8) throw new Error("invalid startup message");
    const message = this.take(length);
    // the startup message is the only one without a type byte; SSL and GSS requests come before it
    if (!this.started && message.readInt32BE(4) !== SSL_REQUEST && message.readInt32BE(4) !== GSSENC_REQUEST) {
      this.started = true;
      this.priority = startupParameters(message).get("application_name") === PRIORITY_APPLICATION_NAME;
    }
    return message;
  }

  private peek(length: number): Buffer {
    const first = this.chunks[0] as Buffer;
    return first.length >= length ? first : Buffer.concat(this.chunks, length);
  }

  private take(length: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let message: Buffer;
    if (first.length >= length) {
      message = first.subarray(0, length);
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
    } else {
      message = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const chunk = this.chunks[0] as Buffer;
        const used = Math.min(chunk.length, length - filled);
        chunk.copy(message, filled, 0, used);
        filled += used;
        if (used === chunk.length) this.chunks.shift();
        else this.chunks[0] = chunk.subarray(used);
      }
    }
    this.received -= length;
    return message;
  }

  private async handle(message: Buffer): Promise<void> {
    if (this.socket.destroyed) return;
    const type = message[0];
    if (type === 0) {
      const code = message.readInt32BE(4);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write("N");
        return;
      }
      if (code === CANCEL_REQUEST) {
        this.socket.end();
        return;
      }
    } else if (type === TERMINATE) {
      this.socket.end();
      return;
    }
    this.answers.begin();
    await this.server.run(this, new Uint8Array(message.buffer, message.byteOffset, message.length), (chunk) =>
      this.answers.write(chunk),
    );
    if (this.answers.end() === IDLE) this.server.release(this);
    // a client slower to read than PGlite writes: its next messages wait for its answers to leave (outside its
    // turn, so it only slows itself down)
    if (!this.server.holds(this) && this.socket.writableNeedDrain) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.socket.off("drain", done);
          this.socket.off("close", done);
          resolve();
        };
        this.socket.on("drain", done);
        this.socket.on("close", done);
      });
    }
  }
}

/** The name/value pairs of a startup message (after its length and protocol version), up to the final NUL. */
function startupParameters(message: Buffer): Map<string, string> {
  const parameters = new Map<string, string>();
  const strings = message.subarray(8).toString("utf8").split("\0");
  for (let index = 0; index + 1 < strings.length && strings[index] !== ""; index += 2) {
    parameters.set(strings[index] as string, strings[index + 1] as string);
  }
  return parameters;
}

/**
 * PGlite's answers on their way to one socket: copied (they are views on PGlite's memory, rewritten by its next
 * answer) and followed message by message, to know when a message was answered ReadyForQuery and with which
 * transaction status — the end of the connection's turn when it is idle.
 */
class Answers {
  private readonly socket: Socket;
  private readonly header = Buffer.alloc(5);
  private headerFilled = 0;
  private bodyLeft = 0;
  /** the transaction status of the last ReadyForQuery of the current message's answer, if any */
  private ready: number | null = null;

  constructor(socket: Socket) {
    this.socket = socket;
  }

  begin(): void {
    this.ready = null;
  }

  write(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.headerFilled < 5) {
        const used = Math.min(5 - this.headerFilled, chunk.length - at);
        this.header.set(chunk.subarray(at, at + used), this.headerFilled);
        this.headerFilled += used;
        at += used;
        if (this.headerFilled === 5) this.bodyLeft = this.header.readInt32BE(1) - 4;
      } else {
        const used = Math.min(this.bodyLeft, chunk.length - at);
        if (this.header[0] === READY_FOR_QUERY && used > 0) this.ready = chunk[at + used - 1] as number;
        this.bodyLeft -= used;
        at += used;
      }
      if (this.headerFilled === 5 && this.bodyLeft === 0) this.headerFilled = 0;
    }
    if (!this.socket.destroyed) this.socket.write(Buffer.from(chunk));
  }

  /** After the message: the transaction status PGlite answered it with, if it answered ReadyForQuery. */
  end(): number | null {
    return this.ready;
  }
}
