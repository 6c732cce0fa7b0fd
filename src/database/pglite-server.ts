import { createServer, type Server, type Socket } from 'node:net';

import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const CANCEL_REQUEST = 80877102;
const GSSENC_REQUEST = 80877104;
/** Messages after which a client waits for the server: everything before them is one unit of work. */
const BATCH_ENDS = new Set(['S', 'Q', 'H', 'X']);

interface Batch {
  connection: Connection;
  messages: Uint8Array[];
}

/**
 * Serves one PGlite database to ordinary PostgreSQL clients over TCP.
 *
 * PGlite is a single backend session. Clients therefore take turns, and a turn is a whole protocol
 * exchange (Parse/Bind/Execute…Sync, or a simple Query), never a single message: interleaving the
 * messages of two connections mixes up their unnamed statements and portals (the
 * `@electric-sql/pglite-socket` server does that under concurrent load). While one connection has a
 * transaction open, only that connection gets turns; if it disconnects, its transaction is rolled back.
 */
export class PgliteServer {
  private readonly server: Server;
  private readonly queue: Batch[] = [];
  private readonly connections = new Set<Connection>();
  private transactionOwner: Connection | undefined;
  private pumping = false;

  constructor(private readonly db: PGlite) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on a loopback port (0: any free one) and answers with the port. */
  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    await this.db.waitReady;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    if (!address || typeof address === 'string') throw new Error('PGlite server has no TCP address');
    return address.port;
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  enqueue(batch: Batch): void {
    this.queue.push(batch);
    void this.pump();
  }

  async disconnected(connection: Connection): Promise<void> {
    this.connections.delete(connection);
    for (let i = this.queue.length - 1; i >= 0; i -= 1)
      if (this.queue[i].connection === connection) this.queue.splice(i, 1);
    if (this.transactionOwner === connection) {
      // exec() takes PGlite's own lock; wrapping it in runExclusive() would deadlock.
      await this.db.exec('ROLLBACK').catch(() => undefined);
      this.transactionOwner = undefined;
    }
    void this.pump();
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(socket, this);
    this.connections.add(connection);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.queue.findIndex(
          (batch) => !this.transactionOwner || batch.connection === this.transactionOwner,
        );
        if (index === -1) return;
        const [batch] = this.queue.splice(index, 1);
        await this.run(batch);
      }
    } finally {
      this.pumping = false;
    }
  }

  private async run(batch: Batch): Promise<void> {
    const { connection } = batch;
    await this.db.runExclusive(async () => {
      for (const message of batch.messages) {
        await this.db.execProtocolRawStream(message, { onRawData: (data) => connection.write(data) });
      }
    });
    const inTransaction = this.db.isInTransaction();
    if (inTransaction && !this.connections.has(connection)) {
      // The client left while this batch (which opened the transaction) ran: no one would ever end it.
      await this.db.exec('ROLLBACK').catch(() => undefined);
      this.transactionOwner = undefined;
      return;
    }
    this.transactionOwner = inTransaction ? connection : undefined;
  }
}

/** One client connection: frames its bytes into protocol messages and groups them into batches. */
class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private pending: Uint8Array[] = [];

  constructor(
    readonly socket: Socket,
    private readonly server: PgliteServer,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.server.disconnected(this));
  }

  write(data: Uint8Array): void {
    // A copy: PGlite may hand out a view of its own memory, which it reuses before a socket that
    // is not draining (a large result) gets to send the bytes.
    if (data.length > 0 && this.socket.writable) this.socket.write(Buffer.from(data));
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.take(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        this.started = true;
        this.server.enqueue({ connection: this, messages: [message] });
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = this.buffer.readInt32BE(1) + 1;
      if (this.buffer.length < length) return;
      const type = String.fromCharCode(this.buffer[0]);
      const message = this.take(length);
      if (type === 'X') {
        this.socket.end();
        return;
      }
      this.pending.push(message);
      if (BATCH_ENDS.has(type)) {
        this.server.enqueue({ connection: this, messages: this.pending });
        this.pending = [];
      }
    }
  }

  private take(length: number): Uint8Array {
    const message = new Uint8Array(this.buffer.subarray(0, length));
    this.buffer = this.buffer.subarray(length);
    return message;
  }
}
