// Input checks shared by the chart builders: bad data is a UsageError naming the field, never a broken SVG.
import { AimcsimError } from "../../errors.ts";

export function fail(path: string, rule: string): never {
  throw new AimcsimError("UsageError", path, rule);
}

export function requireFinite(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, `must be a finite number (got ${String(v)})`);
  return v;
}

export function requireNonEmpty<T>(xs: readonly T[] | undefined, path: string): readonly T[] {
  if (!Array.isArray(xs) || xs.length === 0) fail(path, "must be a non-empty array");
  return xs;
}

export function requirePositive(v: number, path: string): number {
  if (!(v > 0)) fail(path, `must be > 0 on a log axis (got ${v})`);
  return v;
}

export function requireUniqueKeys(keys: readonly string[], path: string): void {
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) fail(path, `duplicate key "${k}"`);
    seen.add(k);
  }
}
