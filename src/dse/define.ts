// Constructors of sweep definitions: what a sweeps/*.ts file calls. Each checks its input and throws
// AimcsimError("SweepError", path, rule) naming the field, so a bad sweep fails before any point runs.
import type { Draft } from "immer";
import { AimcsimError } from "../errors.ts";
import { didYouMean } from "../util/suggest.ts";
import type { ChipSpec } from "../spec/types.ts";
import type { TransformerShape } from "../model/shape.ts";
import type {
  Axis,
  AxisValue,
  Constraint,
  DelegatedSearch,
  EvaluatorRef,
  Objective,
  SpecValidator,
  Strategy,
  SweepDef,
  SweepWorkload,
} from "./types.ts";

const fail = (path: string, rule: string): never => {
  throw new AimcsimError("SweepError", path, rule);
};

const isPosInt = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n > 0;
const isSeed = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/** An axis: its values (at least one, all distinct) and the draft edit that applies a value. */
export function axis<V extends AxisValue>(values: readonly V[], apply: (draft: Draft<ChipSpec>, value: V) => void): Axis<V> {
  if (!Array.isArray(values) || values.length === 0) fail("values", "an axis needs at least one value");
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (!["number", "string", "boolean"].includes(typeof v)) fail(`values[${i}]`, "axis values are numbers, strings or booleans");
    if (typeof v === "number" && !Number.isFinite(v)) fail(`values[${i}]`, "axis values must be finite");
    const k = `${typeof v}:${String(v)}`;
    if (seen.has(k)) fail(`values[${i}]`, `duplicate axis value ${JSON.stringify(v)}`);
    seen.add(k);
  });
  if (typeof apply !== "function") fail("apply", "an axis needs a function (draft, value) => void");
  return { values: [...values], apply };
}

/** Every combination of axis values (cartesian product, last axis varying fastest). */
export const grid = (): Strategy => ({ kind: "grid" });

/** `points` distinct combinations drawn uniformly with a seeded PRNG (the whole grid if it is smaller). */
export function random(opts: { points: number; seed?: number }): Strategy {
  if (!isPosInt(opts.points)) fail("strategy.points", "must be a positive integer");
  const seed = opts.seed ?? 0;
  if (!isSeed(seed)) fail("strategy.seed", "must be an integer in [0, 2^32)");
  return { kind: "random", points: opts.points, seed };
}

/**
 * NSGA-II-style evolutionary search over axis indices (as CrossNAS searches its crossbar/ADC/DAC space):
 * tournament selection on (Pareto rank, crowding distance), uniform crossover, per-gene mutation.
 * At most population x (generations + 1) evaluations.
 */
export function evolutionary(opts: {
  population: number;
  generations: number;
  seed?: number;
  mutationRate?: number;
  crossoverRate?: number;
}): Strategy {
  if (!isPosInt(opts.population) || opts.population < 2) fail("strategy.population", "must be an integer >= 2");
  if (!Number.isInteger(opts.generations) || opts.generations < 0) fail("strategy.generations", "must be an integer >= 0");
  const seed = opts.seed ?? 0;
  if (!isSeed(seed)) fail("strategy.seed", "must be an integer in [0, 2^32)");
  // assumption: NSGA-II's customary defaults (Deb et al., IEEE TEVC 2002): crossover 0.9, mutation 1/genes
  // (here a fixed 0.2 as sweeps have few axes); both are the user's to set.
  const mutationRate = opts.mutationRate ?? 0.2;
  const crossoverRate = opts.crossoverRate ?? 0.9;
  if (!(mutationRate >= 0 && mutationRate <= 1)) fail("strategy.mutationRate", "must be in [0, 1]");
  if (!(crossoverRate >= 0 && crossoverRate <= 1)) fail("strategy.crossoverRate", "must be in [0, 1]");
  return { kind: "evolutionary", population: opts.population, generations: opts.generations, seed, mutationRate, crossoverRate };
}

/** A parameter axis: its value goes to the evaluator (PointInput.params), not into the chip. */
export function param<V extends AxisValue>(values: readonly V[]): Axis<V> {
  const a = axis(values, () => {});
  return { values: a.values };
}

/**
 * A strategy that hands the search to an injected function (e.g. src/eval's andaPrecisionSearch, which
 * walks mantissa-bit tuples by bit-operation count and stops at an accuracy threshold). The function gets
 * a SearchContext whose evaluate() runs points through the sweep's runner and store.
 */
export function delegate(name: string, search: DelegatedSearch): Strategy {
  if (typeof search !== "function") fail("strategy.search", "must be a function (ctx) => Promise");
  return { kind: "delegate", name, search };
}


/**
 * The built-in evaluator: src/sim run() per point (+ an optional accuracy function, see evaluators/sim.ts).
 * `chips` and `prefillChunk` are passed to run() (chips: "auto" spreads a model that does not fit one chip).
 */
export function simEvaluator(
  options: { accuracy?: { module: string; export: string; options?: unknown }; chips?: number | "auto"; prefillChunk?: number } = {},
): EvaluatorRef {
  return { module: "builtin:sim", export: "simEvaluator", options, id: "sim", keyOptions: options };
}

/** Deterministic synthetic evaluator (a smooth test function, NOT a hardware model): for tests and benches. */
export function syntheticEvaluator(options: { delayMs?: number; spinMs?: number; failWhenAdcBits?: number } = {}): EvaluatorRef {
  // delayMs / spinMs only slow it down: they stay out of the point key.
  return { module: "builtin:synthetic", export: "syntheticEvaluator", options, id: "synthetic", keyOptions: { failWhenAdcBits: options.failWhenAdcBits } };
}

/** A user evaluator: `module` a file path or file: URL exporting `exportName` as a PointEvaluator. */
export function evaluator(module: string | URL, exportName: string, options?: unknown, id?: string): EvaluatorRef {
  const m = module instanceof URL ? module.href : module;
  return { module: m, export: exportName, options, id: id ?? `${exportName}@${m.split(/[\\/]/).pop()}`, keyOptions: options };
}

export interface SweepInput {
  name: string;
  base: ChipSpec;
  axes: Record<string, Axis<any>>;
  model: string | TransformerShape;
  workload: { promptTokens: number; genTokens: number; batch?: number };
  objectives: readonly Objective[];
  constraints?: readonly Constraint[];
  strategy?: Strategy;
  evaluator?: EvaluatorRef;
  seed?: number;
  validate?: SpecValidator;
}

/** The keys sweep({...}) reads; any other key is a mistake (a misspelled "constraint" would silently drop every
 *  constraint), so it is an error naming the key. The type check below keeps the list equal to SweepInput's keys. */
const SWEEP_KEYS = ["name", "base", "axes", "model", "workload", "objectives", "constraints", "strategy", "evaluator", "seed", "validate"] as const;
const WORKLOAD_KEYS = ["promptTokens", "genTokens", "batch"] as const;
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sweepKeysComplete: Exact<(typeof SWEEP_KEYS)[number], keyof SweepInput> = true;
const _workloadKeysComplete: Exact<(typeof WORKLOAD_KEYS)[number], keyof SweepInput["workload"]> = true;
void _sweepKeysComplete;
void _workloadKeysComplete;

function rejectUnknownKeys(obj: object, known: readonly string[], prefix: string): void {
  for (const k of Object.keys(obj))
    if (!known.includes(k)) fail(`${prefix}${k}`, `unknown key "${k}"${didYouMean(k, known)}; allowed: ${known.join(", ")}`);
}

/** A sweep name names its store folder (reports/sweeps/<name>): one path segment, never "." or "..". */
export function isSweepName(name: unknown): name is string {
  return typeof name === "string" && name.length <= 200 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name);
}

/** A sweep definition (`export default sweep({...})` in a sweeps/*.ts file). */
export function sweep(input: SweepInput): SweepDef {
  if (!input || typeof input !== "object") fail("sweep", "takes one object: sweep({ name, base, axes, model, workload, objectives, ... })");
  rejectUnknownKeys(input, SWEEP_KEYS, "");
  if (!isSweepName(input.name)) fail("name", "must be a non-empty name of letters, digits, '.', '_' or '-' starting with a letter or digit (it names the store folder, so no '..')");
  if (!input.base || typeof input.base !== "object") fail("base", "must be a ChipSpec");
  const axisNames = Object.keys(input.axes ?? {});
  if (axisNames.length === 0) fail("axes", "a sweep needs at least one axis");
  for (const n of axisNames) {
    const a = input.axes[n];
    if (!a || !Array.isArray(a.values) || (a.apply !== undefined && typeof a.apply !== "function")) fail(`axes.${n}`, "must be made with axis(values, apply) or param(values)");
  }
  if (typeof input.model !== "string" && (typeof input.model !== "object" || input.model === null)) fail("model", "must be a preset name, a checkpoint folder or a TransformerShape");
  const w = input.workload;
  if (w && typeof w === "object") rejectUnknownKeys(w, WORKLOAD_KEYS, "workload.");
  if (!w || !isPosInt(w.promptTokens)) fail("workload.promptTokens", "must be a positive integer");
  if (!isPosInt(w.genTokens)) fail("workload.genTokens", "must be a positive integer");
  const batch = w.batch ?? 1;
  if (!isPosInt(batch)) fail("workload.batch", "must be a positive integer");
  if (!Array.isArray(input.objectives) || input.objectives.length === 0) fail("objectives", "a sweep needs at least one objective");
  input.objectives.forEach((o, i) => {
    if (typeof o.key !== "string" || o.key === "") fail(`objectives[${i}].key`, "must name a metric");
    if (o.goal !== "min" && o.goal !== "max") fail(`objectives[${i}].goal`, 'must be "min" or "max"');
  });
  const constraints = input.constraints ?? [];
  constraints.forEach((c, i) => {
    if (typeof c.key !== "string" || c.key === "") fail(`constraints[${i}].key`, "must name a metric");
    if (c.min === undefined && c.max === undefined) fail(`constraints[${i}]`, "needs min and/or max");
    if (c.min !== undefined && !Number.isFinite(c.min)) fail(`constraints[${i}].min`, "must be finite");
    if (c.max !== undefined && !Number.isFinite(c.max)) fail(`constraints[${i}].max`, "must be finite");
  });
  const seed = input.seed ?? 0;
  if (!isSeed(seed)) fail("seed", "must be an integer in [0, 2^32)");
  return {
    __sweep: true,
    name: input.name,
    base: input.base,
    axes: input.axes,
    model: input.model,
    workload: { promptTokens: w.promptTokens, genTokens: w.genTokens, batch },
    objectives: input.objectives,
    constraints,
    strategy: input.strategy ?? grid(),
    evaluator: input.evaluator ?? simEvaluator(),
    seed,
    validate: input.validate,
  };
}

export const isSweepDef = (x: unknown): x is SweepDef =>
  typeof x === "object" && x !== null && (x as { __sweep?: unknown }).__sweep === true;

/** Imports a sweep file (TypeScript through tsx, or JS) and returns its default export. */
export async function loadSweep(file: string): Promise<SweepDef> {
  const { pathToFileURL } = await import("node:url");
  const { resolve } = await import("node:path");
  let mod: { default?: unknown };
  try {
    const { importUserModule } = await import("../util/import-user.ts");
    mod = await importUserModule(pathToFileURL(resolve(file)).href);
  } catch (e) {
    if (e instanceof AimcsimError) throw e;
    throw new AimcsimError("SweepError", file, `cannot load sweep file: ${(e as Error).message}`, { cause: e });
  }
  if (!isSweepDef(mod.default)) throw new AimcsimError("SweepError", file, "the default export must be sweep({...})");
  if (!isSweepName(mod.default.name)) throw new AimcsimError("SweepError", `${file}: name`, `${JSON.stringify(mod.default.name)} is not a sweep name (letters, digits, '.', '_' or '-', starting with a letter or digit; it names the store folder)`);
  return mod.default;
}
