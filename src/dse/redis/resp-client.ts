// A small Redis client speaking RESP2 over node:net, shaped like Bun's built-in RedisClient
// (send(cmd, args), connected, onconnect/onclose/onerror, duplicate()), so that BullMQ 6's own
// Bun adapter (createBunRedisClient) turns it into a full IRedisClient. It exists because BullMQ 6
// no longer ships a Redis driver (ioredis / node-redis are optional peers not installed here).
//
// Replies: simple string -> string, error -> rejected Error (or an Error element inside arrays, as in
// EXEC results), integer -> number, bulk string -> string | null, array -> array | null.
import { Socket, connect as netConnect } from "node:net";

export interface RespClientOptions {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  readonly username?: string;
  readonly db?: number;
  /** Milliseconds to wait for the TCP connection. */
  readonly connectTimeoutMs?: number;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
}

class ParseIncomplete {}
const INCOMPLETE = new ParseIncomplete();

/** Parses one RESP2 value starting at `pos`; returns [value, nextPos] or INCOMPLETE. */
function parseValue(buf: Buffer, pos: number): [unknown, number] | ParseIncomplete {
  if (pos >= buf.length) return INCOMPLETE;
  const lineEnd = buf.indexOf("\r\n", pos);
  if (lineEnd < 0) return INCOMPLETE;
  const type = buf[pos];
  const line = buf.toString("utf8", pos + 1, lineEnd);
  const after = lineEnd + 2;
  switch (type) {
    case 0x2b: // +
      return [line, after];
    case 0x2d: // -
      return [new Error(line), after];
    case 0x3a: // :
      return [Number(line), after];
    case 0x24: {
      // $
      const len = Number(line);
      if (len < 0) return [null, after];
      if (after + len + 2 > buf.length) return INCOMPLETE;
      return [buf.toString("utf8", after, after + len), after + len + 2];
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n < 0) return [null, after];
      const out: unknown[] = new Array(n);
      let p = after;
      for (let i = 0; i < n; i++) {
        const r = parseValue(buf, p);
        if (r === INCOMPLETE) return INCOMPLETE;
        const [v, next] = r as [unknown, number];
        out[i] = v;
        p = next;
      }
      return [out, p];
    }
    default:
      throw new Error(`redis protocol error: unexpected byte 0x${(type ?? 0).toString(16)}`);
  }
}

function encodeCommand(cmd: string, args: readonly unknown[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length + 1}\r\n`)];
  const push = (a: unknown) => {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), "utf8");
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  };
  push(cmd);
  for (const a of args) push(a);
  return Buffer.concat(parts);
}

export class RespClient {
  connected = false;
  onconnect: (() => void) | null = null;
  onclose: ((err?: Error) => void) | null = null;
  onerror: ((err: Error) => void) | null = null;
  private socket: Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closedByUser = false;
  private connecting: Promise<void> | null = null;

  constructor(readonly options: RespClientOptions) {}

  get url(): string {
    return `redis://${this.options.host}:${this.options.port}`;
  }

  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<void>((resolve, reject) => {
      const sock = netConnect({ host: this.options.host, port: this.options.port });
      sock.setNoDelay(true);
      const timer = setTimeout(() => {
        sock.destroy(new Error(`redis: connect to ${this.url} timed out`));
      }, this.options.connectTimeoutMs ?? 10_000);
      let opened = false;
      sock.on("data", (chunk) => this.onData(chunk));
      sock.on("error", (err) => {
        if (!opened) {
          clearTimeout(timer);
          reject(err);
        } else this.onerror?.(err);
      });
      sock.on("close", () => {
        const wasConnected = this.connected;
        this.connected = false;
        this.socket = null;
        const err = new Error("Connection closed");
        for (const p of this.pending.splice(0)) p.reject(err);
        if (wasConnected) this.onclose?.(this.closedByUser ? undefined : err);
      });
      sock.on("connect", async () => {
        clearTimeout(timer);
        opened = true;
        this.socket = sock;
        try {
          if (this.options.password !== undefined && this.options.password !== "") {
            const authArgs = this.options.username
              ? [this.options.username, this.options.password]
              : [this.options.password];
            await this.rawSend("AUTH", authArgs);
          }
          if (this.options.db) await this.rawSend("SELECT", [this.options.db]);
          this.connected = true;
          resolve();
          this.onconnect?.();
        } catch (e) {
          sock.destroy();
          reject(e as Error);
        }
      });
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  send(cmd: string, args: readonly unknown[]): Promise<unknown> {
    if (!this.socket || !this.connected) return Promise.reject(new Error("Connection is closed."));
    return this.rawSend(cmd, args);
  }

  private rawSend(cmd: string, args: readonly unknown[]): Promise<unknown> {
    const sock = this.socket;
    if (!sock) return Promise.reject(new Error("Connection is closed."));
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      sock.write(encodeCommand(cmd, args));
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let pos = 0;
    for (;;) {
      let r: [unknown, number] | ParseIncomplete;
      try {
        r = parseValue(this.buffer, pos);
      } catch (e) {
        this.socket?.destroy(e as Error);
        return;
      }
      if (r === INCOMPLETE) break;
      const [value, next] = r as [unknown, number];
      pos = next;
      const p = this.pending.shift();
      if (!p) continue;
      if (value instanceof Error) p.reject(value);
      else p.resolve(value);
    }
    this.buffer = pos >= this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(pos);
  }

  close(): void {
    this.closedByUser = true;
    this.socket?.end();
    this.socket?.destroy();
  }

  async duplicate(): Promise<RespClient> {
    const c = new RespClient(this.options);
    await c.connect();
    return c;
  }
}
