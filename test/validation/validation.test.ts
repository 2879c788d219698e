// aimcsim against published silicon and the seed papers' claims: every row within its recorded error bound
// (CI enforces what `npm run validate` prints), every claimed trend holding, and the engine's own rules.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  BOUNDS,
  CHECKS,
  boundOf,
  rowFailure,
  formatTrendTable,
  formatValidationTable,
  rowFails,
  runValidationReport,
  type ValidationReport,
  type ValidationRow,
} from "../../src/validation/index.ts";
import { PUBLISHED } from "../../src/validation/published.ts";
import { FIG1B_CONTEXTS, FIG1B_MODELS } from "../../src/validation/fig1b.ts";

// One full run shared by the tests below (about 10 s of simulation).
let reportPromise: Promise<ValidationReport> | undefined;
const report = (): Promise<ValidationReport> => (reportPromise ??= runValidationReport());

describe("published figures", () => {
  it("every figure has a source and a finite value or a run-time roofline, and ids are unique", () => {
    const ids = new Set<string>();
    for (const p of PUBLISHED) {
      expect(ids.has(p.id), p.id).toBe(false);
      ids.add(p.id);
      expect(p.source.length, p.id).toBeGreaterThan(10);
      if (!p.id.endsWith(".roofline")) expect(Number.isFinite(p.value) && p.value > 0, p.id).toBe(true);
    }
  });
  it("every check compares against a published figure, and every figure is checked", () => {
    const figureIds = new Set(PUBLISHED.map((p) => p.id));
    const checkIds = new Set(CHECKS.map((c) => c.id));
    expect([...checkIds].filter((id) => !figureIds.has(id))).toEqual([]);
    expect([...figureIds].filter((id) => !checkIds.has(id))).toEqual([]);
  });
});

describe("bounds come from the goal, not from the errors", () => {
  const row = (over: Partial<ValidationRow>): ValidationRow => ({
    id: "x", quantity: "q", unit: "u", published: 100, simulated: 100, errorPct: 0, usedForCalibration: false, bound: BOUNDS.heldOut, source: "s", note: "n", ...over,
  });
  it("every check's bound is 25 % held out, 50 % for a known gap, 1 % calibrated, or none for a named gap beyond 50 %", () => {
    for (const c of CHECKS) {
      const b = boundOf(c);
      expect([BOUNDS.heldOut, BOUNDS.knownGap, BOUNDS.calibration, Infinity], c.id).toContain(b);
      if (b === Infinity) expect(c.knownGap?.length ?? 0, c.id).toBeGreaterThan(10);
      if (c.beyond50) expect(c.knownGap, c.id).toBeDefined();
    }
  });
  it("a held-out row fails on either side of 25 %", () => {
    expect(rowFailure(row({ errorPct: 24.9 }))).toBeUndefined();
    expect(rowFailure(row({ errorPct: -24.9 }))).toBeUndefined();
    expect(rowFailure(row({ errorPct: 25.1 }))).toMatch(/exceeds/);
    expect(rowFailure(row({ errorPct: -25.1 }))).toMatch(/exceeds/);
    expect(rowFailure(row({ errorPct: Number.NaN }))).toMatch(/not finite/);
  });
  it("a known gap fails above 50 % and also when it has closed to within 25 % (the label would be stale)", () => {
    const gap = { knownGap: "mechanism", bound: BOUNDS.knownGap };
    expect(rowFailure(row({ ...gap, errorPct: 40 }))).toBeUndefined();
    expect(rowFailure(row({ ...gap, errorPct: -51 }))).toMatch(/exceeds/);
    expect(rowFailure(row({ ...gap, errorPct: 10 }))).toMatch(/remove its knownGap/);
    const beyond = { knownGap: "mechanism", bound: Infinity };
    expect(rowFailure(row({ ...beyond, errorPct: 300 }))).toBeUndefined();
    expect(rowFailure(row({ ...beyond, errorPct: 45 }))).toMatch(/bound it/);
  });
  it("derived rows name an existing row or say what they are computed from", () => {
    const ids = new Set(CHECKS.map((c) => c.id));
    for (const c of CHECKS) if (c.derivedFrom !== undefined && /^[a-z0-9]+\.[a-z0-9.]+$/i.test(c.derivedFrom)) expect(ids.has(c.derivedFrom), c.id).toBe(true);
  });
});

describe("validation table", () => {
  it("every row is within its recorded error bound", { timeout: 60_000 }, async () => {
    const { rows } = await report();
    expect(rows.length).toBe(CHECKS.length + FIG1B_MODELS.length * FIG1B_CONTEXTS.length);
    const over = rows.filter(rowFails).map((r) => rowFailure(r));
    expect(over).toEqual([]);
  });

  it("rows fitted to their own number are exactly the clock and GPU-shape calibrations; every calibration row says why", { timeout: 60_000 }, async () => {
    const fitted = CHECKS.filter((c) => c.fitted).map((c) => c.id);
    expect(fitted.sort()).toEqual(
      ["a100.fp16.tflops", "a100.int8.tops", "h100.fp16.tflops", "h100.int8.tops", "jia.tops1b", "sinangil.gops"].sort(),
    );
    for (const c of CHECKS) if (c.fitted) expect(c.usedForCalibration, c.id).toBe(true);
    const { rows } = await report();
    const heldOut = rows.filter((r) => !r.usedForCalibration && r.derivedFrom === undefined);
    expect(heldOut.length).toBeGreaterThan(20);
  });

  it("HERMES throughput and MVM latency (held out) are within 10 % in both read modes", { timeout: 60_000 }, async () => {
    const { rows } = await report();
    for (const id of ["hermes.1phase.tops", "hermes.4phase.tops", "hermes.1phase.mvmNs", "hermes.4phase.mvmNs"]) {
      expect(Math.abs(rows.find((r) => r.id === id)!.errorPct), id).toBeLessThan(10);
    }
  });

  it("NeuRRAM efficiency falls monotonically with precision, as measured", { timeout: 60_000 }, async () => {
    const { rows } = await report();
    const eff = rows.filter((r) => r.id.startsWith("neurram.") && r.id.endsWith(".topsPerW"));
    expect(eff.length).toBe(8);
    for (let i = 1; i < eff.length; i++) {
      expect(eff[i]!.published).toBeLessThan(eff[i - 1]!.published);
      expect(eff[i]!.simulated).toBeLessThanOrEqual(eff[i - 1]!.simulated);
    }
  });

  it("GPU batch-1 decode stays at or below the HBM roofline, within 10 %", { timeout: 60_000 }, async () => {
    const { rows } = await report();
    for (const id of ["a100.decode.roofline", "h100.decode.roofline"]) {
      const r = rows.find((x) => x.id === id)!;
      expect(r.simulated, id).toBeLessThanOrEqual(r.published * 1.0001);
      expect(r.errorPct, id).toBeGreaterThan(-10);
    }
  });
});

describe("seed claims (trend)", () => {
  it("every claimed trend holds (PIM-LLM decode speed-up shrinking with context; Anda faster and cheaper)", { timeout: 60_000 }, async () => {
    const { trends, failures } = await report();
    expect(trends.filter((t) => !t.holds).map((t) => t.id)).toEqual([]);
    expect(failures).toEqual([]);
    const gpt2 = trends.find((t) => t.id === "pimllm.bitnet-gpt2-350m.decodeSpeedup")!;
    expect(gpt2.series.map((p) => p.x)).toEqual([128, 512, 1024, 2048, 4096]);
  });

  it("the Markdown tables carry every row and trend", { timeout: 60_000 }, async () => {
    const { rows, trends } = await report();
    const table = formatValidationTable(rows);
    expect(table.split("\n").length).toBe(rows.length + 2);
    for (const r of rows) expect(table).toContain(`| ${r.id} |`);
    expect(formatTrendTable(trends).split("\n").length).toBe(trends.length + 2);
  });
});

describe("bound rule", () => {
  const row = (published: number, simulated: number, bound: number): ValidationRow => ({
    id: "x", quantity: "q", unit: "u", published, simulated, errorPct: (100 * (simulated - published)) / published,
    usedForCalibration: false, bound, source: "s", note: "n",
  });
  it("a row fails exactly when |error| exceeds its bound or is not finite", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 1000 }), (p, s, b) => {
        const r = row(p, s, b);
        expect(rowFails(r)).toBe(Math.abs((100 * (s - p)) / p) > b);
      }),
    );
    expect(rowFails(row(0, 1, 5))).toBe(true); // division by zero: not finite
  });
});
