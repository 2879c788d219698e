// Unknown input (a JSON file, a TypeScript object, a sweep variant) -> ChipSpec, or an error that
// names every offending field path and the rule it broke.
import * as Schema from "effect/Schema";
import * as SchemaIssue from "effect/SchemaIssue";
import { AimcsimError } from "../errors.ts";
import { didYouMean } from "../util/suggest.ts";
import { ChipSpecSchema } from "./schema.ts";
import type { ChipSpec } from "./types.ts";

export interface SpecIssue {
  /** Dotted field path, e.g. "analog.tile.adc.bits" or "systolic[0].rows". */
  readonly path: string;
  readonly rule: string;
}

/** A spec that failed validation: `issues` lists every problem; `path`/`rule` are the first. */
export class SpecValidationError extends AimcsimError {
  readonly issues: readonly SpecIssue[];
  readonly source: string;
  constructor(source: string, issues: readonly SpecIssue[]) {
    const first = issues[0] ?? { path: "", rule: "invalid spec" };
    super("SpecError", first.path, first.rule);
    this.issues = issues;
    this.source = source;
    const where = source ? `${source}: ` : "";
    this.message =
      `${where}invalid chip spec (${issues.length} problem${issues.length === 1 ? "" : "s"})\n` +
      issues.map((i) => `  - ${i.path || "(root)"}: ${i.rule}`).join("\n");
  }
}

const decode = Schema.decodeUnknownResult(ChipSpecSchema);
const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1();

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    // a key that is not a plain identifier (an empty or dotted extra field) is quoted, so the path still names it
    else if (typeof seg !== "string" || !/^[A-Za-z_$][\w$-]*$/.test(seg)) out += `[${JSON.stringify(String(seg))}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

/** The field names a struct at `path` accepts (for "did you mean" hints on misspelled fields). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  // deno-lint-ignore no-explicit-any
  let ast: any = ChipSpecSchema.ast;
  for (const seg of path) {
    if (ast?._tag === "Arrays") ast = ast.rest?.[0];
    if (typeof seg === "number") continue;
    const prop = ast?.propertySignatures?.find((p: { name: PropertyKey }) => p.name === seg);
    if (!prop) return [];
    ast = prop.type;
  }
  if (ast?._tag === "Arrays") ast = ast.rest?.[0];
  return (ast?.propertySignatures ?? []).map((p: { name: PropertyKey }) => String(p.name));
}

function describeIssue(path: readonly PropertyKey[], message: string): SpecIssue {
  if (message === "Expected no excess property") {
    const field = String(path[path.length - 1]);
    const known = knownKeysAt(path.slice(0, -1));
    const hint = didYouMean(field, known);
    return { path: formatPath(path), rule: `unknown field "${field}"${hint}; allowed: ${known.join(", ")}` };
  }
  if (message === "Missing key") return { path: formatPath(path), rule: "required field is missing" };
  return { path: formatPath(path), rule: message };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The two input conventions the schema's per-field defaults cannot express: a top-level `$schema` (the JSON
 *  Schema an editor reads, not part of the spec) is dropped, and `mapping.projections` left out defaults to
 *  "analog" when the chip has an analog section (the schema's own default, "digital", covers the rest). */
function normaliseInput(input: unknown): unknown {
  if (!isRecord(input)) return input;
  let out = input;
  if ("$schema" in out) {
    const { $schema, ...rest } = out;
    if (typeof $schema !== "string") return input; // left in: the validator names it as an unknown field
    out = rest;
  }
  if (out.analog !== undefined && (out.mapping === undefined || (isRecord(out.mapping) && out.mapping.projections === undefined)))
    out = { ...out, mapping: { ...(isRecord(out.mapping) ? out.mapping : {}), projections: "analog" } };
  return out;
}

/** Validate unknown input as a complete ChipSpec, filling the schema's defaults (the same for TS constructors
 *  and JSON specs). Throws SpecValidationError listing every issue. */
export function decodeChipSpec(input: unknown, source = ""): ChipSpec {
  const r = decode(normaliseInput(input), { errors: "all", onExcessProperty: "error" });
  if (r._tag === "Success") return r.success as ChipSpec;
  const formatted = formatIssues(r.failure.issue);
  const issues: SpecIssue[] = [];
  const seen = new Set<string>();
  for (const i of formatted.issues) {
    const issue = describeIssue(i.path as readonly PropertyKey[], i.message);
    const key = `${issue.path}\u0000${issue.rule}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  throw new SpecValidationError(source, issues);
}

/** Like decodeChipSpec, but returns the issues instead of throwing. */
export function checkChipSpec(input: unknown): { ok: true; spec: ChipSpec } | { ok: false; issues: readonly SpecIssue[] } {
  try {
    return { ok: true, spec: decodeChipSpec(input) };
  } catch (e) {
    if (e instanceof SpecValidationError) return { ok: false, issues: e.issues };
    throw e;
  }
}

/** JSON Schema (draft 2020-12) of a chip spec, for editors. Objects reject unknown fields, as the validator does. */
export function chipJsonSchema(): Record<string, unknown> {
  const doc = Schema.toJsonSchemaDocument(ChipSpecSchema) as unknown as { schema: Record<string, unknown>; definitions?: Record<string, unknown> };
  const closeObjects = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(closeObjects);
    else if (node && typeof node === "object") {
      const o = node as Record<string, unknown>;
      if (o.type === "object" && o.properties) o.additionalProperties = false;
      Object.values(o).forEach(closeObjects);
    }
  };
  closeObjects(doc);
  // A JSON spec may name this schema for its editor; the loader drops the key.
  const properties = (doc.schema.properties ?? {}) as Record<string, unknown>;
  doc.schema.properties = { $schema: { type: "string", description: "The JSON Schema of the file (for editors); ignored by aimcsim." }, ...properties };
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    title: "aimcsim chip spec",
    description: "A chip for aimcsim. Field descriptions give units; fields with a default may be left out (TypeScript constructors fill the same defaults).",
    ...doc.schema,
    ...(doc.definitions && Object.keys(doc.definitions).length > 0 ? { $defs: doc.definitions } : {}),
  };
}
