// The requests a serving run replays: a seeded Poisson process with prompt/output length distributions, or a
// CSV trace in the column layout of public LLM serving traces.
//
// CSV: a header row naming the columns, then one request per row. Accepted names (case-insensitive):
//   arrival time: arrival_s | arrival_time | timestamp   (seconds, or an ISO-8601 date-time: then relative to the
//                 first row, as in the Azure LLM inference trace's TIMESTAMP column)
//   prompt:       prompt_tokens | contexttokens | input_tokens | prompt_len
//   output:       output_tokens | generatedtokens | completion_tokens | output_len
import { AimcsimError } from "../errors.ts";
import { Rng } from "../util/rng.ts";

export interface ServeRequest {
  readonly id: number;
  readonly arrivalS: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
}

/** A length distribution: `fixed:N`, `uniform:A-B` (inclusive) or `normal:MEAN,SD` (rounded, clipped to >= 1). */
export type LengthDist =
  | { readonly kind: "fixed"; readonly n: number }
  | { readonly kind: "uniform"; readonly lo: number; readonly hi: number }
  | { readonly kind: "normal"; readonly mean: number; readonly sd: number };

const posInt = (s: string): number | null => (/^\d+$/.test(s.trim()) && Number(s) >= 1 ? Number(s) : null);

export function parseLengthDist(text: string, path: string): LengthDist {
  const [kind, arg = ""] = text.split(":", 2).map((s) => s.trim());
  const bad = (rule: string): never => {
    throw new AimcsimError("UsageError", path, `${rule}, got "${text}" (forms: fixed:512, uniform:128-1024, normal:512,128)`);
  };
  if (kind === "fixed") {
    const n = posInt(arg);
    return n === null ? bad("fixed:N needs a whole number >= 1") : { kind, n };
  }
  if (kind === "uniform") {
    const [a, b] = arg.split("-").map(posInt);
    if (a == null || b == null || b < a) return bad("uniform:A-B needs whole numbers 1 <= A <= B");
    return { kind, lo: a, hi: b };
  }
  if (kind === "normal") {
    const [m, s] = arg.split(",").map((x) => Number(x));
    if (!(m! >= 1 && s! >= 0 && Number.isFinite(m) && Number.isFinite(s))) return bad("normal:MEAN,SD needs MEAN >= 1 and SD >= 0");
    return { kind, mean: m!, sd: s! };
  }
  return bad("unknown distribution");
}

const draw = (d: LengthDist, rng: Rng): number => {
  switch (d.kind) {
    case "fixed":
      return d.n;
    case "uniform":
      return d.lo + Math.floor(rng.nextFloat() * (d.hi - d.lo + 1));
    case "normal":
      return Math.max(1, Math.round(d.mean + d.sd * rng.nextGaussian()));
  }
};

/** `count` requests arriving as a Poisson process of `ratePerS` (exponential gaps), lengths drawn per request. */
export function poissonRequests(opts: { count: number; ratePerS: number; prompt: LengthDist; output: LengthDist; seed: number }): ServeRequest[] {
  if (!(Number.isSafeInteger(opts.count) && opts.count >= 1)) throw new AimcsimError("UsageError", "requests", `must be a whole number >= 1, got ${opts.count}`);
  if (!(opts.ratePerS > 0 && Number.isFinite(opts.ratePerS))) throw new AimcsimError("UsageError", "rate", `must be a finite number > 0 (requests/s), got ${opts.ratePerS}`);
  const rng = new Rng(opts.seed);
  const out: ServeRequest[] = [];
  let t = 0;
  for (let i = 0; i < opts.count; i++) {
    t += rng.nextExponential(1 / opts.ratePerS);
    out.push({ id: i, arrivalS: t, promptTokens: draw(opts.prompt, rng), outputTokens: draw(opts.output, rng) });
  }
  return out;
}

const COLUMNS = {
  arrival: ["arrival_s", "arrival_time", "timestamp"],
  prompt: ["prompt_tokens", "contexttokens", "input_tokens", "prompt_len"],
  output: ["output_tokens", "generatedtokens", "completion_tokens", "output_len"],
} as const;

/** Parse a CSV trace (see the header); rows sorted by arrival time; `file` names the source in errors. */
export function parseTraceCsv(text: string, file: string): ServeRequest[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((s) => s.trim().toLowerCase());
  const col = (names: readonly string[], what: string): number => {
    const i = header.findIndex((h) => names.includes(h));
    if (i < 0) throw new AimcsimError("IoError", `${file}:1`, `no ${what} column (one of ${names.join(", ")}); header is "${lines[0] ?? ""}"`);
    return i;
  };
  const ia = col(COLUMNS.arrival, "arrival time");
  const ip = col(COLUMNS.prompt, "prompt tokens");
  const io = col(COLUMNS.output, "output tokens");
  const rows: { t: number; p: number; o: number; line: number }[] = [];
  for (let l = 1; l < lines.length; l++) {
    const raw = lines[l]!.trim();
    if (raw === "") continue;
    const cells = raw.split(",").map((s) => s.trim());
    const at = `${file}:${l + 1}`;
    if (cells.length < header.length) throw new AimcsimError("IoError", at, `has ${cells.length} cells, the header has ${header.length}`);
    const a = cells[ia]!;
    let t = Number(a);
    if (a === "" || !Number.isFinite(t)) {
      // Date.parse keeps milliseconds only: the fraction of a second (the Azure trace has 7 digits) is added apart
      const m = /^(.*?)(\.\d+)?$/.exec(a)!;
      const ms = Date.parse(m[1]!);
      if (!Number.isFinite(ms)) throw new AimcsimError("IoError", `${at} ${header[ia]}`, `must be seconds or an ISO-8601 date-time, got "${a}"`);
      t = ms / 1000 + (m[2] ? Number(m[2]) : 0); // absolute; made relative to the earliest row below
    } else if (t < 0) throw new AimcsimError("IoError", `${at} ${header[ia]}`, `must be >= 0, got ${a}`);
    const p = posInt(cells[ip]!);
    const o = posInt(cells[io]!);
    if (p === null) throw new AimcsimError("IoError", `${at} ${header[ip]}`, `must be a whole number >= 1, got "${cells[ip]}"`);
    if (o === null) throw new AimcsimError("IoError", `${at} ${header[io]}`, `must be a whole number >= 1, got "${cells[io]}"`);
    rows.push({ t, p, o, line: l });
  }
  if (rows.length === 0) throw new AimcsimError("IoError", file, "holds no requests (a header and at least one row are needed)");
  rows.sort((x, y) => x.t - y.t || x.line - y.line);
  const first = rows[0]!.t;
  return rows.map((r, i) => ({ id: i, arrivalS: r.t - first, promptTokens: r.p, outputTokens: r.o }));
}
