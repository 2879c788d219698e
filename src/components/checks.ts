// Input checks shared by the component models: every failure is a SpecError naming the field and the rule.
import { AimcsimError } from "../errors.ts";

export function requireSpec(ok: boolean, path: string, rule: string): void {
  if (!ok) throw new AimcsimError("SpecError", path, rule);
}

export function requireNode(nodeNm: number): void {
  requireSpec(nodeNm > 0 && Number.isFinite(nodeNm), "technologyNm", `technology node must be a finite number of nm > 0, got ${nodeNm}`);
}
