// BullMQ connections over our RESP client (BullMQ 6 ships no Redis driver; ioredis is not installed).
import { createBunRedisClient } from "bullmq";
import { RespClient, type RespClientOptions } from "./resp-client.ts";
export { parseQueueUrl } from "./url.ts";

/** BullMQ's IRedisClient over our RESP client (BullMQ 6 ships no driver of its own). */
export type BullConnection = ReturnType<typeof createBunRedisClient>;

export function bullConnection(opts: RespClientOptions): BullConnection {
  const c = createBunRedisClient(new RespClient(opts) as never);
  // BullMQ attaches many listeners to a shared connection; avoid the spurious leak warning.
  (c as unknown as { setMaxListeners(n: number): void }).setMaxListeners(0);
  c.on("error", () => {
    // Connection errors surface as rejected commands; BullMQ reconnects with backoff.
  });
  return c;
}

export async function closeConnection(c: BullConnection): Promise<void> {
  try {
    await (c as unknown as { quit(): Promise<unknown> }).quit();
  } catch {
    (c as unknown as { disconnect(): void }).disconnect();
  }
}
