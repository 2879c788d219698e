// The data a sweep is made of: axes over a base ChipSpec, the workload, objectives, constraints, a search
// strategy and the evaluator that turns one chip variant into a row of metrics. Everything that crosses a
// thread or machine boundary (PointTask, PointOutcome, PointRecord) is plain JSON.
import type { Draft } from "immer";
import type { ChipSpec } from "../spec/types.ts";
import type { TransformerShape } from "../model/shape.ts";

export type AxisValue = number | string | boolean;

/**
 * One design knob: the values it takes and how a value is written into a draft of the base spec, or
 * (a parameter axis, made with param()) a value handed to the evaluator in PointInput.params instead of
 * the chip (e.g. Anda mantissa bits, which configure the numerics rather than the hardware).
 */
export interface Axis<V extends AxisValue = AxisValue> {
  readonly values: readonly V[];
  readonly apply?: (draft: Draft<ChipSpec>, value: V) => void;
}

export type Goal = "min" | "max";

export interface Objective {
  /** A metric key of the evaluator's row (e.g. "tokensPerS", "areaMm2"). */
  readonly key: string;
  readonly goal: Goal;
}

/** A feasibility bound on a metric; a point outside it is infeasible (kept in the store, off the front). */
export interface Constraint {
  readonly key: string;
  readonly min?: number;
  readonly max?: number;
}

export interface SweepWorkload {
  readonly promptTokens: number;
  readonly genTokens: number;
  readonly batch: number;
}

/** Metrics of one evaluated point, e.g. { tokensPerS, tokensPerJ, ttftS, tpotS, energyPerTokenJ, areaMm2 }. */
export type Metrics = Record<string, number>;

/** What an evaluator receives for one point (JSON: it crosses threads and machines). */
export interface PointInput {
  /** sha256 of the canonical JSON of (spec, model, workload, seed, aimcsim version, evaluator id + keyOptions). */
  readonly key: string;
  readonly spec: ChipSpec;
  readonly model: string | TransformerShape;
  readonly workload: SweepWorkload;
  readonly seed: number;
  /** Values of the sweep's parameter axes (absent when it has none). */
  readonly params?: Readonly<Record<string, AxisValue>>;
}

/** A point evaluator: a pure function of its input (same input => same metrics). May be async. */
export type PointEvaluator = (input: PointInput, options: unknown) => Metrics | Promise<Metrics>;

/**
 * Where an evaluator lives, so a worker thread or a remote worker can load it by itself:
 * `module` is "builtin:sim", "builtin:synthetic", a file: URL or a file path (absolute, or relative to the
 * worker's working directory); `export` names the PointEvaluator export; `options` is JSON passed through.
 */
export interface EvaluatorRef {
  readonly module: string;
  readonly export: string;
  readonly options?: unknown;
  /** Short stable name that enters the point key (so sim and synthetic rows never mix in one store). */
  readonly id: string;
  /** The part of `options` that changes results (enters the point key); timing-only options stay out. */
  readonly keyOptions?: unknown;
}

/** Validates a variant (unknown) into a ChipSpec, throwing AimcsimError("SpecError", path, rule). */
export type SpecValidator = (input: unknown, source?: string) => ChipSpec;

/** A unit of work for a runner: one point to evaluate with one evaluator. */
export interface PointTask {
  readonly input: PointInput;
  readonly evaluator: EvaluatorRef;
}

export type PointOutcome =
  | { readonly key: string; readonly status: "ok"; readonly metrics: Metrics }
  | {
      readonly key: string;
      readonly status: "failed";
      readonly error: string;
      /** The sweep's setup failed (evaluator or simulator cannot load, misconfigured options), not the
       *  point: never stored; the sweep stops with this error so a fixed re-run evaluates the point. */
      readonly infra?: boolean;
    };

/** One line of results.jsonl: a finished point (ok or failed), with everything needed to reproduce it. */
export interface PointRecord {
  readonly key: string;
  readonly sweep: string;
  readonly axes: Readonly<Record<string, AxisValue>>;
  readonly status: "ok" | "failed";
  readonly metrics: Metrics;
  readonly error?: string;
  readonly model: string;
  readonly workload: SweepWorkload;
  readonly seed: number;
  readonly version: string;
  readonly evaluator: string;
  /** The validated chip (or, for a point that failed validation, the variant as built). */
  readonly spec: unknown;
}

/** Runs a batch of point tasks somewhere; calls onDone once per task as each finishes (any order). */
export interface PointBackend {
  evaluate(tasks: readonly PointTask[], onDone: (outcome: PointOutcome) => void): Promise<void>;
  close(): Promise<void>;
}

/** A search strategy: proposes axis-index vectors ("genomes") and reads back their records. */
export type Strategy =
  | { readonly kind: "grid" }
  | { readonly kind: "random"; readonly points: number; readonly seed: number }
  | {
      readonly kind: "evolutionary";
      readonly population: number;
      readonly generations: number;
      readonly seed: number;
      readonly mutationRate: number;
      readonly crossoverRate: number;
    }
  | { readonly kind: "delegate"; readonly name: string; readonly search: DelegatedSearch };

/** What a delegated search (e.g. the Anda precision search) can do: evaluate assignments of axis values. */
export interface SearchContext {
  readonly axes: Readonly<Record<string, readonly AxisValue[]>>;
  readonly objectives: readonly Objective[];
  readonly constraints: readonly Constraint[];
  readonly seed: number;
  /** Evaluates (or reads from the store) each assignment; an assignment names a value for every axis. */
  evaluate(assignments: readonly Readonly<Record<string, AxisValue>>[]): Promise<PointRecord[]>;
}

export type DelegatedSearch = (ctx: SearchContext) => Promise<unknown>;

export interface SweepDef {
  readonly __sweep: true;
  readonly name: string;
  readonly base: ChipSpec;
  readonly axes: Readonly<Record<string, Axis>>;
  readonly model: string | TransformerShape;
  readonly workload: SweepWorkload;
  readonly objectives: readonly Objective[];
  readonly constraints: readonly Constraint[];
  readonly strategy: Strategy;
  readonly evaluator: EvaluatorRef;
  /** Seed handed to every point's evaluation (noise, sampling). */
  readonly seed: number;
  /** Overrides decodeChipSpec (src/spec) for validating variants. */
  readonly validate?: SpecValidator;
}
