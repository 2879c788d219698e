// The one number formatter of aimcsim: plain numbers to significant digits, and quantities with an SI
// prefix (d3-format's "s" type, so 999.96e-3 s rounds up to "1.00 s", not "1000 ms"). The report layer,
// the CLI and the component descriptions all print through here, so a value prints the same everywhere.
// Pure and deterministic. Below every other layer: imports nothing from aimcsim.
import { formatLocale } from "d3-format";

// ASCII minus (d3's default is U+2212), no currency: the same text in terminals, CSV-adjacent tables and SVG.
const LOCALE = formatLocale({ decimal: ".", thousands: ",", grouping: [3], currency: ["", ""], minus: "-" });

const PREFIX_EXP: Readonly<Record<string, number>> = {
  y: -24, z: -21, a: -18, f: -15, p: -12, n: -9, "µ": -6, m: -3, "": 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18, Z: 21, Y: 24,
};

const siFormats = new Map<number, (n: number) => string>();

/** `value` to `sig` significant digits split into the digits and the SI prefix symbol ("12.3", "m"). */
function siParts(value: number, sig: number): { readonly digits: string; readonly symbol: string; readonly exp: number } {
  let f = siFormats.get(sig);
  if (!f) siFormats.set(sig, (f = LOCALE.format(`.${sig}s`)));
  const s = f(value);
  const last = s[s.length - 1]!;
  const symbol = last in PREFIX_EXP && !/[0-9.]/.test(last) ? last : "";
  return { digits: symbol ? s.slice(0, -1) : s, symbol, exp: PREFIX_EXP[symbol]! };
}

/** Units an SI prefix attaches to directly ("mJ", "µs", "GB/s", "mJ/token"). */
const SI_SYMBOL = /^(s|J|W|Hz|B|b|V|A|F|S|Ω|Wh|op|ops|MAC|MACs|FLOP|FLOPs)(\/.*)?$/;
/** Count-like units that take a prefix with a space ("k tokens/s"). */
const COUNT_UNIT = /^(tokens?|tok|samples|events|conversions)(\/.*)?$/;

export type PrefixStyle = "attach" | "space" | "none";

/** How an SI prefix combines with `unit`: attached (mJ), spaced (k tokens/s) or not at all (%, mm², bits). */
export function prefixStyle(unit: string | undefined): PrefixStyle {
  if (!unit) return "none";
  if (SI_SYMBOL.test(unit)) return "attach";
  if (COUNT_UNIT.test(unit)) return "space";
  return "none";
}

/** The SI prefix (power of 1000) that puts |value|, rounded to `sig` digits, in [1, 1000). Zero and
 *  non-finite values get no prefix. */
export function siPrefixFor(value: number, sig = 3): { readonly exp: number; readonly symbol: string } {
  const a = Math.abs(value);
  if (!Number.isFinite(a) || a === 0) return { exp: 0, symbol: "" };
  const { exp, symbol } = siParts(a, sig);
  return { exp, symbol };
}

/** Unit string with a prefix applied in the unit's style ("mJ", "k tokens/s", "%"). */
export function prefixedUnit(symbol: string, unit: string | undefined): string {
  const style = prefixStyle(unit);
  if (!unit) return symbol;
  if (style === "attach") return symbol + unit;
  if (style === "space") return symbol ? `${symbol} ${unit}` : unit;
  return unit;
}

/** Plain-number formatting. Integers print in full (thousands separators from 10,000 on), never rounded;
 *  other values to `sig` significant digits in fixed notation, with an exponent when very large or small. */
export function formatNumber(value: number, sig = 3): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "∞";
  if (value === -Infinity) return "−∞";
  if (value === 0) return "0";
  const a = Math.abs(value);
  if (Number.isInteger(value) && a < 1e15) return a < 1e4 ? String(value) : groupThousands(value);
  if (a >= 1e6 || a < 1e-3) return value.toExponential(Math.max(0, sig - 1)).replace("e+", "e");
  const mag = Math.floor(Math.log10(Number(a.toPrecision(sig))));
  const decimals = Math.max(0, sig - 1 - mag);
  const s = value.toFixed(decimals);
  return Math.abs(Number(s)) >= 1e4 ? groupThousands(Number(s)) : s;
}

function groupThousands(v: number): string {
  const neg = v < 0;
  const s = Math.round(Math.abs(v)).toString();
  let out = "";
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ",";
    out += s[i];
  }
  return neg ? "-" + out : out;
}

/** A value with its unit, prefixed where the unit allows: formatQuantity(0.00123, "s") === "1.23 ms". */
export function formatQuantity(value: number, unit: string | undefined, sig = 3): string {
  if (!Number.isFinite(value)) return unit ? `${formatNumber(value)} ${unit}` : formatNumber(value);
  const style = prefixStyle(unit);
  if (style === "none") {
    const n = formatNumber(value, sig);
    return unit ? `${n} ${unit}` : n;
  }
  if (value === 0) return `0 ${unit}`;
  const p = siParts(value, sig);
  return `${p.digits} ${prefixedUnit(p.symbol, unit)}`;
}

/** Significant-digit fixed formatting without thousands grouping or exponents (for already-scaled values). */
export function formatFixedSig(value: number, sig = 3): string {
  if (value === 0) return "0";
  const a = Math.abs(value);
  const mag = Math.floor(Math.log10(Number(a.toPrecision(sig))));
  return value.toFixed(Math.max(0, Math.min(20, sig - 1 - mag)));
}

/** A common prefix for a set of values (chosen from the largest magnitude), for axes and table columns. */
export function commonPrefix(values: readonly number[], unit: string | undefined): {
  readonly factor: number;
  readonly unitLabel: string;
} {
  if (prefixStyle(unit) === "none") return { factor: 1, unitLabel: unit ?? "" };
  let maxAbs = 0;
  for (const v of values) if (Number.isFinite(v)) maxAbs = Math.max(maxAbs, Math.abs(v));
  const p = siPrefixFor(maxAbs);
  return { factor: 10 ** -p.exp, unitLabel: prefixedUnit(p.symbol, unit) };
}

/** Short value with an SI suffix and no unit, for labels on marks: 1234 -> "1.23k", 0.0042 -> "4.20m". */
export function compactNumber(value: number, sig = 3): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  if (value === 0) return "0";
  const p = siParts(value, sig);
  return p.digits + p.symbol;
}
