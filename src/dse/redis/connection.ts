// BullMQ connections over ioredis, BullMQ's documented Redis driver. ioredis reconnects by itself after a
// Redis restart and replays the commands queued meanwhile (maxRetriesPerRequest: null, which BullMQ
// workers require), so a sweep resumes the moment Redis is back. Connection errors never print a stack
// trace: every client gets an error listener that turns the error into one line for `onError` (once per
// outage, not once per retry).
import { Redis } from "ioredis";
import { AimcsimError } from "../../errors.ts";
import { parseQueueUrl, type QueueConnection } from "./url.ts";
export { parseQueueUrl, type QueueConnection } from "./url.ts";

export type BullConnection = Redis;

/** One line for a connection error: "ECONNREFUSED 127.0.0.1:6379" rather than a stack. */
export function connectionErrorLine(e: unknown): string {
  const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
  if (err?.code && err.address) return `${err.code} ${err.address}${err.port ? `:${err.port}` : ""}`;
  const msg = err instanceof Error ? err.message : String(e);
  return msg.split("\n")[0]!.slice(0, 300);
}

export interface ConnectionOptions {
  /** Called with one line when the connection is lost (once per outage) and with null when it is back. */
  readonly onError?: (line: string | null) => void;
  /** Largest wait between reconnect attempts (ms; default 1000, so a restarted Redis is found within ~1 s). */
  readonly maxRetryDelayMs?: number;
}

export function bullConnection(opts: QueueConnection, copts: ConnectionOptions = {}): BullConnection {
  const maxDelay = copts.maxRetryDelayMs ?? 1000;
  const c = new Redis({
    host: opts.host,
    port: opts.port,
    db: opts.db ?? 0,
    ...(opts.password !== undefined ? { password: opts.password } : {}),
    ...(opts.username !== undefined ? { username: opts.username } : {}),
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectTimeout: opts.connectTimeoutMs ?? 5000,
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), maxDelay),
  });
  c.setMaxListeners(0); // BullMQ attaches many listeners to a shared connection
  let down = false;
  c.on("error", (e: unknown) => {
    if (down) return;
    down = true;
    copts.onError?.(connectionErrorLine(e));
  });
  c.on("ready", () => {
    if (!down) return;
    down = false;
    copts.onError?.(null);
  });
  return c;
}

/** Waits until `c` is connected, or fails after `timeoutMs` with an IoError naming the queue URL. */
export async function waitConnected(c: BullConnection, url: string, timeoutMs = 5000): Promise<void> {
  if (c.status === "ready") return;
  let last = "";
  const onErr = (e: unknown) => (last = connectionErrorLine(e));
  c.on("error", onErr);
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new AimcsimError("IoError", url, `cannot reach Redis within ${timeoutMs / 1000} s${last ? ` (${last})` : ""}`)), timeoutMs);
      c.once("ready", () => {
        clearTimeout(t);
        resolve();
      });
    });
  } finally {
    c.off("error", onErr);
  }
}

export async function closeConnection(c: BullConnection): Promise<void> {
  if (c.status === "end") return;
  if (c.status !== "ready") {
    c.disconnect();
    return;
  }
  try {
    await c.quit();
  } catch {
    c.disconnect();
  }
}

/** A plain client for the queue URL (tests, tools). */
export function redisClient(url: string): BullConnection {
  return bullConnection(parseQueueUrl(url));
}
