// `aimcsim validate <spec>`, `aimcsim describe <spec>`, `aimcsim schema`.
import { AimcsimError } from "../../errors.ts";
import { chipJsonSchema, loadSpecFile, specToJson } from "../../spec/index.ts";
import { describeChip, formatDescription } from "../../components/index.ts";
import { flag, parse } from "../args.ts";
import type { Io } from "../io.ts";

export async function validateCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, { json: { type: "boolean" } }, "validate");
  if (p.positionals.length === 0) throw new AimcsimError("UsageError", "validate", "give one or more spec files or preset names");
  let failed = 0;
  for (const file of p.positionals) {
    try {
      const spec = await loadSpecFile(file);
      if (flag(p, "json")) io.out(specToJson(spec));
      else io.out(`${file}: ok (${spec.name})`);
    } catch (e) {
      if (!(e instanceof AimcsimError)) throw e;
      io.err(e.message);
      failed++;
    }
  }
  return failed === 0 ? 0 : 1;
}

export async function describeCommand(argv: readonly string[], io: Io): Promise<number> {
  const p = parse(argv, { json: { type: "boolean" } }, "describe");
  if (p.positionals.length !== 1) throw new AimcsimError("UsageError", "describe", "give exactly one spec file or preset name");
  const spec = await loadSpecFile(p.positionals[0]);
  const desc = describeChip(spec);
  io.out(flag(p, "json") ? JSON.stringify(desc, null, 2) : formatDescription(desc));
  return 0;
}

export async function schemaCommand(argv: readonly string[], io: Io): Promise<number> {
  parse(argv, {}, "schema");
  io.out(JSON.stringify(chipJsonSchema(), null, 2));
  return 0;
}
