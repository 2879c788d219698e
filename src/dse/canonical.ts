// Point identity: sha256 of the canonical JSON (keys sorted at every level, no whitespace) of everything
// that determines a point's result. Same inputs on any machine => same key, so the store and the Redis
// queue (job id = key) recognise work already done.
import { createHash } from "node:crypto";
import { AimcsimError } from "../errors.ts";
import { packageVersion } from "../util/package.ts";

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canon(value, ""));
}

function canon(v: unknown, path: string): unknown {
  if (v === null || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new AimcsimError("SweepError", path, "non-finite number cannot be part of a point key");
    return Object.is(v, -0) ? 0 : v;
  }
  if (Array.isArray(v)) return v.map((x, i) => (x === undefined ? null : canon(x, `${path}[${i}]`)));
  if (typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canon(x, path ? `${path}.${k}` : k);
    }
    return out;
  }
  throw new AimcsimError("SweepError", path, `a ${typeof v} cannot be part of a point key`);
}

export const sha256Hex = (s: string): string => createHash("sha256").update(s).digest("hex");

let version: string | undefined;
/** aimcsim's version from package.json (part of every point key: a new version re-evaluates). */
export function aimcsimVersion(): string {
  version ??= packageVersion();
  return version;
}

export function pointKey(parts: { spec: unknown; model: unknown; workload: unknown; seed: number; version: string; evaluator: string; params?: unknown }): string {
  return sha256Hex(canonicalJson(parts));
}
