// Opens a rendered report in real headless Chromium ($AIMCSIM_CHROMIUM, else chromium on the PATH, else the one
// playwright-core installs). Skipped without one outside CI (test/global-setup.ts says so); in CI it must run.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser } from "playwright-core";
import { writeReport } from "../../src/report/index.ts";
import { illustrativeReport } from "../../scripts/report-sample.ts";
import { CHROMIUM_ARGS, chromiumPath } from "../../scripts/screenshot.ts";
import { chromiumExe, skipWithout } from "../tools.ts";

interface ChartInfo {
  title: string;
  xTicks: string[];
  yTicks: string[];
  series: string[];
  marks: Record<string, number>;
  width: number;
  height: number;
  overflow: string[];
}

describe.skipIf(skipWithout(chromiumExe !== undefined))("HTML report in headless Chromium", () => {
  let dir = "";
  let browser: Browser;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "aimcsim-browser-"));
    await writeReport(join(dir, "report"), illustrativeReport());
    const exe = chromiumPath(); // in CI without Chromium: fails here, saying what to install
    browser = await chromium.launch({ executablePath: exe, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("loads without console errors or network requests; every chart has axes, tick labels and marks per series", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    page.on("request", (r) => {
      if (!/^(file|data):/.test(r.url())) requests.push(r.url());
    });
    await page.goto(pathToFileURL(join(dir, "report", "index.html")).href, { waitUntil: "load" });
    expect(await page.title()).toContain("illustrative data, not a simulation");

    const charts: ChartInfo[] = await page.$$eval("figure svg", (svgs) =>
      svgs.map((svg) => {
        const ticks = (cls: string) =>
          [...svg.querySelectorAll(`g.axis.${cls} g.tick text`)].map((t) => (t.textContent ?? "").trim()).filter((t) => t !== "");
        const series = [...svg.querySelectorAll("g.legend-item")].map((g) => g.getAttribute("data-series") ?? "");
        const marks: Record<string, number> = {};
        for (const m of svg.querySelectorAll(".mark")) {
          const s = m.getAttribute("data-series") ?? "";
          marks[s] = (marks[s] ?? 0) + 1;
        }
        // Text that pokes out of the SVG's own box (clipped legends, labels).
        const box = svg.getBoundingClientRect();
        const overflow: string[] = [];
        for (const t of svg.querySelectorAll("text")) {
          const r = t.getBoundingClientRect();
          if (r.width === 0) continue;
          if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) overflow.push(t.textContent ?? "");
        }
        return { title: svg.querySelector("title")?.textContent ?? "", xTicks: ticks("x"), yTicks: ticks("y"), series, marks, width: box.width, height: box.height, overflow };
      }),
    );
    expect(charts.length).toBeGreaterThanOrEqual(10);
    const kinds = await page.$$eval("figure svg", (s) => [...new Set(s.map((e) => e.getAttribute("class")))]);
    for (const k of ["chart-stacked-bars", "chart-line", "chart-grouped-bars", "chart-timeline", "chart-error-bars", "chart-pareto"]) {
      expect(kinds.some((c) => c?.includes(k)), k).toBe(true);
    }
    for (const c of charts) {
      expect(c.title, "title").not.toBe("");
      expect(c.xTicks.length, `${c.title}: x tick labels`).toBeGreaterThan(0);
      expect(c.yTicks.length, `${c.title}: y tick labels`).toBeGreaterThan(0);
      expect(c.series.length, `${c.title}: legend`).toBeGreaterThan(0);
      for (const s of c.series) expect(c.marks[s] ?? 0, `${c.title}: marks of ${s}`).toBeGreaterThan(0);
      expect(c.overflow, `${c.title}: text outside the figure`).toEqual([]);
      expect(c.width).toBeGreaterThan(300);
    }
    expect(await page.$$eval("table", (t) => t.length)).toBeGreaterThan(5);
    expect(await page.$$eval("details", (d) => d.length)).toBe(2);
    expect(await page.$$eval("#assumptions li", (li) => li.length)).toBeGreaterThan(2);

    const png = join(dir, "report.png");
    await page.screenshot({ path: png, fullPage: true });
    const bytes = await readFile(png);
    expect(bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(bytes.length).toBeGreaterThan(50_000);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
