// `aimcsim validate <spec>`, `aimcsim describe <spec>`, `aimcsim schema`.
import { AimcsimError } from "../../errors.ts";
import { flag, parse } from "../args.ts";
import { defineCommand } from "../command.ts";

const json = { type: "boolean", help: "print JSON instead of text" } as const;

export const validate = defineCommand({
  name: "validate",
  args: "<spec...>",
  summary: "check chip specs; errors name the field path and the rule",
  options: { json: { type: "boolean", help: "print each spec as canonical JSON (defaults filled in)" } },
  async run(argv, io) {
    const p = parse(argv, this.options, "validate");
    if (p.positionals.length === 0) throw new AimcsimError("UsageError", "validate", "give one or more spec files or preset names");
    const { loadSpecFile, specToJson } = await import("../../spec/index.ts");
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
  },
});

export const describe = defineCommand({
  name: "describe",
  args: "<spec>",
  summary: "per-component energy, latency, area; peak TOPS and TOPS/W",
  options: { json },
  async run(argv, io) {
    const p = parse(argv, this.options, "describe");
    if (p.positionals.length !== 1) throw new AimcsimError("UsageError", "describe", "give exactly one spec file or preset name");
    const { loadSpecFile } = await import("../../spec/index.ts");
    const { describeChip, formatDescription } = await import("../../components/index.ts");
    const spec = await loadSpecFile(p.positionals[0]!);
    const desc = describeChip(spec);
    io.out(flag(p, "json") ? JSON.stringify(desc, null, 2) : formatDescription(desc));
    return 0;
  },
});

export const schema = defineCommand({
  name: "schema",
  summary: "print the JSON Schema of a chip spec (for editors)",
  options: {},
  async run(argv, io) {
    parse(argv, this.options, "schema");
    const { chipJsonSchema } = await import("../../spec/index.ts");
    io.out(JSON.stringify(chipJsonSchema(), null, 2));
    return 0;
  },
});
