// Redis connection settings for the distributed runner: a redis:// URL (loopback 127.0.0.1:6379 when the
// host or port is left out), the password from AIMCSIM_REDIS_PASSWORD (kept off the command line, so out of
// process listings and shell history; a password inside the URL is honoured when the variable is unset).
import { AimcsimError } from "../../errors.ts";

export interface QueueConnection {
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  readonly username?: string;
  readonly db?: number;
  /** Milliseconds to wait for the TCP connection. */
  readonly connectTimeoutMs?: number;
}

export function parseQueueUrl(url: string, env: NodeJS.ProcessEnv = process.env): QueueConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AimcsimError("UsageError", "queue", `not a URL: ${url} (expected redis://host:port)`);
  }
  if (u.protocol !== "redis:") throw new AimcsimError("UsageError", "queue", `only redis:// queues are supported, got ${u.protocol}`);
  const host = u.hostname || "127.0.0.1";
  const port = u.port ? Number(u.port) : 6379;
  const dbPath = u.pathname.replace(/^\//, "");
  const db = dbPath ? Number(dbPath) : 0;
  if (!Number.isInteger(db) || db < 0) throw new AimcsimError("UsageError", "queue", `database must be a non-negative integer, got ${dbPath}`);
  const password = env.AIMCSIM_REDIS_PASSWORD ?? (u.password ? decodeURIComponent(u.password) : undefined);
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  return { host, port, db, password, username };
}

