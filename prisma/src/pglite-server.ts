import { createServer, type Server, type Socket } from "node:net";
import type { PGlite } from "@electric-sql/pglite";

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/**
 * Serves one PGlite over the PostgreSQL wire protocol to any number of connections.
 *
 * PGlite is a single backend session, so connections must take turns. The unit of a turn is not one
 * message: an extended-protocol exchange (Parse, Bind, Describe, Execute … Sync) must run without another
 * connection's messages in between, or the unnamed statement of one is bound by the other and results are
 * mixed up (this is what `@electric-sql/pglite-socket` 0.2 gets wrong under concurrency). A connection
 * therefore holds the session from its first message until the Sync or simple Query that ends its exchange
 * — and for as long as it has a transaction open.
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
    await new Promise<void>((resolve) => this.waiters.push({ connection, resolve }));
  }

  /** @internal */
  release(connection: Connection): void {
    if (this.owner !== connection) return;
    const next = this.waiters.shift();
    this.owner = next?.connection ?? null;
    next?.resolve();
  }

  /** @internal */
  async run(connection: Connection, frame: Uint8Array, endsExchange: boolean): Promise<void> {
    await this.acquire(connection);
    try {
      await this.db.execProtocolRawStream(frame, {
        onRawData: (chunk) => {
          if (!connection.socket.destroyed) connection.socket.write(chunk);
        },
      });
    } finally {
      if (endsExchange && !this.db.isInTransaction()) this.release(connection);
    }
  }

  /** @internal a connection that goes away mid-transaction must not leave it open for the others */
  async abandon(connection: Connection): Promise<void> {
    this.waiters = this.waiters.filter((waiter) => waiter.connection !== connection);
    if (this.owner !== connection) return;
    if (this.db.isInTransaction()) await this.db.exec("ROLLBACK").catch(() => {});
    this.release(connection);
  }
}

class Connection {
  private buffer = Buffer.alloc(0);
  private started = false;
  private chain: Promise<void> = Promise.resolve();

  private readonly server: PGliteServer;
  readonly socket: Socket;

  constructor(server: PGliteServer, socket: Socket) {
    this.server = server;
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (data) => this.receive(data));
    socket.on("error", () => socket.destroy());
  }

  closed(): Promise<void> {
    this.chain = this.chain.then(() => this.server.abandon(this));
    return this.chain;
  }

  private receive(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      const frame = this.nextFrame();
      if (!frame) return;
      this.chain = this.chain
        .then(() => this.handle(frame))
        .catch(() => {
          this.socket.destroy();
        });
    }
  }

  private nextFrame(): Buffer | null {
    if (!this.started) {
      if (this.buffer.length < 8) return null;
      const length = this.buffer.readInt32BE(0);
      if (this.buffer.length < length) return null;
      const frame = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      return frame;
    }
    if (this.buffer.length < 5) return null;
    const length = 1 + this.buffer.readInt32BE(1);
    if (this.buffer.length < length) return null;
    const frame = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return frame;
  }

  private async handle(frame: Buffer): Promise<void> {
    if (!this.started) {
      const code = frame.readInt32BE(4);
      if (code === SSL_REQUEST) {
        this.socket.write("N");
        return;
      }
      if (code === CANCEL_REQUEST) {
        this.socket.end();
        return;
      }
      this.started = true;
      await this.server.run(this, new Uint8Array(frame), true);
      return;
    }
    const type = frame[0];
    if (type === TERMINATE) {
      this.socket.end();
      return;
    }
    await this.server.run(this, new Uint8Array(frame), type === SYNC || type === QUERY);
  }
}
