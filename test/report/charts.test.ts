import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  errorBarChart, groupedBarChart, lineChart, paretoChart, paretoFrontIndices, stackedBarChart, timelineChart,
  amdahlChart, slicesFromTraceEvents, packLanes,
} from "../../src/report/index.ts";
import { isAimcsimError } from "../../src/errors.ts";
import { checkWellFormed, countBy, markSeries } from "./helpers.ts";

function axes(svg: string): { x: string[]; y: string[] } {
  const grab = (cls: string) => {
    const start = svg.indexOf(`<g class="axis ${cls}"`);
    expect(start, `axis ${cls}`).toBeGreaterThanOrEqual(0);
    const ends = [`class="axis-title"`, `<g class="legend"`, `<g class="axis `, `<g class="grid"`]
      .map((m) => svg.indexOf(m, start + 5))
      .filter((i) => i > 0);
    const seg = svg.slice(start, ends.length ? Math.min(...ends) : undefined);
    const tickTexts = [...seg.matchAll(/<g class="tick"[^>]*>(.*?)<\/g>/g)].map((m) => /<text[^>]*>(.*?)<\/text>/.exec(m[1])?.[1] ?? "");
    return tickTexts.filter((t) => t !== "");
  };
  return { x: grab("x"), y: grab("y") };
}

function expectChart(svg: string, series: readonly string[]) {
  checkWellFormed(svg);
  expect(svg.startsWith(`<svg xmlns="http://www.w3.org/2000/svg"`)).toBe(true);
  expect(svg).toMatch(/<title>[^<]+<\/title>/);
  const { x, y } = axes(svg);
  expect(x.length).toBeGreaterThan(0);
  expect(y.length).toBeGreaterThan(0);
  const counts = countBy(markSeries(svg));
  for (const s of series) expect(counts.get(s) ?? 0, `marks of ${s}`).toBeGreaterThan(0);
  for (const s of series) expect(svg).toContain(`class="legend-item" data-series="${s}"`);
  return counts;
}

describe("stackedBarChart", () => {
  const input = {
    title: "Energy <by> component & \"kind\"",
    bars: [
      { label: "prefill", values: { adc: 3, dram: 1, sram: 0 } },
      { label: "decode", values: { adc: 1, dram: 4, sram: 0 } },
    ],
    stackKeys: ["adc", "dram", "sram"],
    yLabel: "Energy",
    yUnit: "J",
  };
  it("draws one segment per non-zero value, axes with units, legend, escaped title", () => {
    const svg = stackedBarChart({ ...input, bars: input.bars.map((b) => ({ ...b, values: { ...b.values, adc: b.values.adc * 1e-3, dram: b.values.dram * 1e-3 } })) });
    const counts = expectChart(svg, ["adc", "dram"]);
    expect(counts.get("adc")).toBe(2);
    expect(counts.has("sram")).toBe(false); // all-zero keys are dropped
    expect(svg).toContain("<title>Energy &lt;by&gt; component &amp; &quot;kind&quot;</title>");
    expect(svg).toContain("Energy (mJ)");
    expect(svg).toContain(`class="axis x"`);
  });
  it("stacks segments without gaps up to the bar total", () => {
    const svg = stackedBarChart(input);
    const rects = [...svg.matchAll(/data-bar="prefill" x="[^"]*" y="([^"]*)" width="[^"]*" height="([^"]*)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(rects.length).toBe(2);
    expect(rects[0][0]).toBeCloseTo(rects[1][0] + rects[1][1], 1); // adc's top = dram's bottom
  });
  it("normalises to 100 % when asked", () => {
    const svg = stackedBarChart({ ...input, normalize: true });
    expect(svg).toContain("(%)");
    expect(svg).toMatch(/>100</);
  });
  it("is deterministic", () => {
    expect(stackedBarChart(input)).toBe(stackedBarChart(input));
  });
  it("rejects negative or non-finite values with a UsageError naming the field", () => {
    const bad = { ...input, bars: [{ label: "p", values: { adc: -1 } }] };
    expect(() => stackedBarChart(bad)).toThrow(/stackedBarChart\.bars\[0\]\.values\.adc/);
    try {
      stackedBarChart({ ...input, bars: [{ label: "p", values: { adc: NaN } }] });
      expect.unreachable();
    } catch (e) {
      expect(isAimcsimError(e) && e._tag === "UsageError").toBe(true);
    }
  });
});

describe("lineChart", () => {
  const ctx = [128, 256, 512, 1024, 2048, 4096];
  const input = {
    title: "Speed-up",
    series: [
      { key: "measured", label: "measured", points: ctx.map((c, i) => ({ x: c, y: 6 - i })) },
      { key: "ceiling", label: "ceiling", points: ctx.map((c, i) => ({ x: c, y: 9 - i })), reference: true },
    ],
    xLabel: "Context length",
    xUnit: "tokens",
    yLabel: "Speed-up",
    yUnit: "×",
    x: { kind: "log" as const, base: 2 },
  };
  it("labels every power of two on a log2 axis and draws reference series dashed without markers", () => {
    const svg = lineChart(input);
    const counts = expectChart(svg, ["measured", "ceiling"]);
    expect(axes(svg).x).toEqual(["128", "256", "512", "1024", "2048", "4096"]);
    expect(counts.get("measured")).toBe(1 + ctx.length); // path + markers
    expect(counts.get("ceiling")).toBe(1);
    expect(svg).toMatch(/class="mark line reference" data-series="ceiling"[^>]*stroke-dasharray/);
  });
  it("places points monotonically on the log axis", () => {
    const svg = lineChart(input);
    const xs = [...svg.matchAll(/<circle cx="([^"]*)"[^>]*class="mark point" data-series="measured"/g)].map((m) => Number(m[1]));
    expect(xs.length).toBe(ctx.length);
    const gaps = xs.slice(1).map((x, i) => x - xs[i]);
    for (const g of gaps) expect(g).toBeCloseTo(gaps[0], 0); // equal spacing for doubling contexts
  });
  it("puts the legend in rows under the plot for narrow (single-column) figures", () => {
    const svg = lineChart({ ...input, width: 400 });
    expectChart(svg, ["measured", "ceiling"]);
    const plotBottom = Number(/<g class="axis x" transform="translate\(0,([^)]*)\)"/.exec(svg)![1]);
    const items = [...svg.matchAll(/class="legend-item" data-series="[^"]*" transform="translate\(([^,]*),([^)]*)\)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(items.length).toBe(2);
    for (const [x, y] of items) {
      expect(y).toBeGreaterThan(plotBottom + 20);
      expect(x).toBeLessThan(400);
    }
    expect(/<svg[^>]*width="400"/.test(svg)).toBe(true);
  });
  it("refuses non-positive values on a log axis", () => {
    expect(() => lineChart({ ...input, series: [{ key: "a", label: "a", points: [{ x: 0, y: 1 }] }] })).toThrow(/must be > 0/);
  });
  it("produces well-formed SVG for arbitrary labels and finite data", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary", maxLength: 30 }),
        fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e-3, max: 1e9, noNaN: true })), { minLength: 1, maxLength: 12 }),
        (label, pts) => {
          const svg = lineChart({ title: label || "t", series: [{ key: "k", label, points: pts.map(([x, y]) => ({ x, y })) }], xLabel: label, yLabel: "y", yUnit: "J" });
          checkWellFormed(svg);
          expect(markSeries(svg).length).toBe(1 + pts.length);
          expect(svg).not.toMatch(/NaN|Infinity/);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("groupedBarChart", () => {
  const groups = [128, 512, 2048].map((c, i) => ({ label: String(c), values: { hybrid: 9000 / (i + 1), baseline: 190 - i } }));
  it("draws one bar per group and series on a log axis", () => {
    const svg = groupedBarChart({ title: "Throughput", groups, seriesKeys: ["hybrid", "baseline"], xLabel: "Context (tokens)", yLabel: "Throughput", yUnit: "tokens/s", yScale: "log" });
    const counts = expectChart(svg, ["hybrid", "baseline"]);
    expect(counts.get("hybrid")).toBe(3);
    expect(axes(svg).x).toEqual(["128", "512", "2048"]);
  });
  it("uses a common SI prefix on a linear axis", () => {
    const svg = groupedBarChart({ title: "Efficiency", groups, seriesKeys: ["hybrid", "baseline"], xLabel: "Context", yLabel: "Efficiency", yUnit: "tokens/J" });
    expect(svg).toContain("Efficiency (k tokens/J)");
  });
});

describe("timelineChart", () => {
  const slices = [
    { track: "xbar", name: "L0.qkv", startPs: 1_000_000, durPs: 500_000, category: "projection" },
    { track: "systolic", name: "L0.score", startPs: 1_500_000, durPs: 900_000, category: "attention" },
    { track: "xbar", name: "L0.o_proj", startPs: 2_400_000, durPs: 300_000, category: "projection" },
  ];
  it("draws one slice per input, time relative to the first slice with an SI prefix", () => {
    const svg = timelineChart({ title: "Decode step", slices });
    const counts = expectChart(svg, ["projection", "attention"]);
    expect(counts.get("projection")).toBe(2);
    expect(svg).toContain("Time from start (µs)");
    expect(axes(svg).y).toEqual(["xbar", "systolic"]);
    const first = /data-track="xbar" x="([^"]*)"/.exec(svg)!;
    const plotX0 = Number(/<g class="axis y" transform="translate\(([^,]*),0\)"/.exec(svg)![1]);
    expect(Number(first[1])).toBeCloseTo(plotX0, 1);
  });
  it("packs overlapping slices of one track into sub-lanes", () => {
    const s = [
      { track: "t", name: "a", startPs: 0, durPs: 10 },
      { track: "t", name: "b", startPs: 5, durPs: 10 },
      { track: "t", name: "c", startPs: 10, durPs: 5 },
      { track: "u", name: "d", startPs: 0, durPs: 1 },
    ];
    const { lane, lanes } = packLanes(s, 4);
    expect([...lane]).toEqual([0, 1, 0, 0]);
    expect(lanes.get("t")).toBe(2);
    expect(lanes.get("u")).toBe(1);
    expect([...packLanes(s, 1).lane]).toEqual([0, 0, 0, 0]);
  });
  it("converts Chrome trace complete events (µs) to picosecond slices", () => {
    const s = slicesFromTraceEvents([{ ph: "X", name: "a", ts: 1.5, dur: 0.25, pid: 1, tid: 2, cat: "attention" }, { ph: "C", name: "q", ts: 0 }]);
    expect(s).toEqual([{ track: "1/2", name: "a", startPs: 1_500_000, durPs: 250_000, category: "attention" }]);
  });
});

describe("errorBarChart", () => {
  it("draws a line, an error bar and a marker per point; rejects lo > mean", () => {
    const pts = [4, 6, 8].map((b) => ({ x: b, mean: 50 + b, lo: 48 + b, hi: 52 + b }));
    const svg = errorBarChart({ title: "Accuracy", series: [{ key: "a", label: "t=1s", points: pts }, { key: "b", label: "t=1y", points: pts }], xLabel: "ADC", xUnit: "bits", yLabel: "Agreement", yUnit: "%" });
    const counts = expectChart(svg, ["a", "b"]);
    expect(counts.get("a")).toBe(1 + 2 * pts.length);
    expect((svg.match(/class="mark errorbar"/g) ?? []).length).toBe(6);
    expect(() => errorBarChart({ title: "x", series: [{ key: "a", label: "a", points: [{ x: 1, mean: 1, lo: 2, hi: 3 }] }], xLabel: "x", yLabel: "y" })).toThrow(/lo <= mean <= hi/);
  });
});

describe("paretoFrontIndices", () => {
  const brute = (pts: { x: number; y: number }[]) =>
    pts
      .map((p, i) => ({ p, i }))
      .filter(({ p }) => !pts.some((q) => q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y)))
      .map(({ i }) => i);
  it("matches the O(n²) definition (minimise x, maximise y)", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ x: fc.integer({ min: 0, max: 20 }), y: fc.integer({ min: 0, max: 20 }) }), { minLength: 1, maxLength: 40 }), (pts) => {
        expect(paretoFrontIndices(pts, "min", "max")).toEqual(brute(pts));
      }),
    );
  });
  it("handles the other directions by symmetry", () => {
    const pts = [{ x: 1, y: 1 }, { x: 2, y: 0 }, { x: 0, y: 2 }, { x: 2, y: 2 }];
    expect(paretoFrontIndices(pts, "max", "max")).toEqual([3]);
    expect(paretoFrontIndices(pts, "min", "min")).toEqual([0, 1, 2]);
  });
});

describe("paretoChart", () => {
  it("highlights and joins the front", () => {
    const points = [{ x: 1, y: 1 }, { x: 2, y: 3 }, { x: 3, y: 2 }, { x: 4, y: 5 }];
    const svg = paretoChart({ title: "Sweep", points, xLabel: "Energy", xUnit: "J", yLabel: "Throughput", yUnit: "tokens/s" });
    const counts = expectChart(svg, ["front", "dominated"]);
    expect(counts.get("front")).toBe(1 + 3); // path + 3 front points
    expect(counts.get("dominated")).toBe(1);
  });
});

describe("amdahlChart", () => {
  it("draws measured, Amdahl and ceiling series for one model and phase", () => {
    const rows = [128, 1024, 4096].map((context) => {
      const f = 0.9 / (1 + context / 3000);
      return { model: "m", phase: "prefill" as const, context, f, s: 40, amdahl: 1 / (1 - f + f / 40), speedup: 0.9 / (1 - f + f / 40), ceiling: 1 / (1 - f) };
    });
    const svg = amdahlChart(rows);
    expectChart(svg, ["m prefill:measured", "m prefill:amdahl", "m prefill:ceiling"]);
    expect(svg).toContain("Speed-up (×)");
  });
});
