import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  coord, compactNumber, escapeXml, formatNumber, formatQuantity, prefixStyle, siPrefixFor, slug,
} from "../../src/report/format.ts";
import { checkWellFormed } from "./helpers.ts";

describe("formatQuantity", () => {
  it("picks the SI prefix that puts the value in [1, 1000)", () => {
    expect(formatQuantity(0.00123, "s")).toBe("1.23 ms");
    expect(formatQuantity(4.2e-12, "J")).toBe("4.20 pJ");
    expect(formatQuantity(1536, "tokens/s")).toBe("1.54 k tokens/s");
    expect(formatQuantity(0.0021, "J/token")).toBe("2.10 mJ/token");
    expect(formatQuantity(0, "J")).toBe("0 J");
    expect(formatQuantity(999.96e-3, "s")).toBe("1.00 s");
  });
  it("does not prefix units where a prefix would be wrong", () => {
    expect(formatQuantity(48.2, "mm²")).toBe("48.2 mm²");
    expect(formatQuantity(35.51, "%")).toBe("35.5 %");
    expect(prefixStyle("bits")).toBe("none");
  });
  it("prints 3 significant digits with the scaled value in [1, 1000) for any positive magnitude", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-17, max: 1e17, noNaN: true }), (v) => {
        const s = formatQuantity(v, "J");
        const m = /^([0-9.]+) ([PTGMkmµnpfa]?)J$/.exec(s);
        expect(m, s).not.toBeNull();
        const n = Number(m![1]);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThan(1000);
        const digits = m![1].replace(".", "").replace(/^0+/, "");
        expect(digits.length).toBe(3);
      }),
    );
  });
});

describe("formatNumber", () => {
  it("prints integers exactly, grouping from 10,000", () => {
    expect(formatNumber(1024)).toBe("1024");
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(-12000)).toBe("-12,000");
  });
  it("uses fixed notation for ordinary non-integers and exponents for extremes", () => {
    expect(formatNumber(3.14159)).toBe("3.14");
    expect(formatNumber(0.0123)).toBe("0.0123");
    expect(formatNumber(1.5e-7)).toBe("1.50e-7");
    expect(formatNumber(2.5e9 + 0.5)).toBe("2.50e9");
  });
  it("compactNumber and siPrefixFor agree", () => {
    expect(compactNumber(8754)).toBe("8.75k");
    expect(siPrefixFor(0.5).symbol).toBe("m");
    expect(siPrefixFor(0).exp).toBe(0);
  });
});

describe("escapeXml", () => {
  it("produces well-formed text for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const e = escapeXml(s);
        expect(e).not.toMatch(/[<>"']/);
        checkWellFormed(`<t a="${e}">${e}</t>`);
      }),
    );
  });
  it("keeps ordinary text unchanged", () => {
    expect(escapeXml("µs & <ADC>")).toBe("µs &amp; &lt;ADC&gt;");
  });
});

describe("small helpers", () => {
  it("coord never prints -0 and rounds to 2 decimals", () => {
    expect(coord(-0.001)).toBe("0");
    expect(coord(12.3456)).toBe("12.35");
  });
  it("slug makes file-safe stems", () => {
    expect(slug("Energy by component (hybrid)")).toBe("energy-by-component-hybrid");
    expect(slug("***", "x")).toBe("x");
    fc.assert(fc.property(fc.string(), (s) => {
      expect(slug(s)).toMatch(/^[a-z0-9-]+$/);
    }));
  });
});
