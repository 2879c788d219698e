// Every failure aimcsim reports to a user is one of these: a tagged error whose message names the
// field path or file and the rule that was broken. The CLI prints `message` (never a stack trace) and
// exits non-zero. Library callers can switch on `_tag`.

export type ErrorTag =
  | "SpecError" // a chip spec failed validation (path = field path, e.g. "analog.tile.adc.bits")
  | "ModelError" // a config.json / preset / op graph problem
  | "CheckpointError" // safetensors / tokenizer.json / index problems (path = file, detail names the tensor)
  | "MappingError" // the model does not fit, or a policy cannot be honoured
  | "SimError" // an invariant of a finished run was violated
  | "UsageError" // bad CLI arguments or options
  | "SweepError"
  | "IoError";

export class AimcsimError extends Error {
  readonly _tag: ErrorTag;
  /** Field path or file the error is about ("" when it is about the whole input). */
  readonly path: string;
  /** The rule that was broken, in words. */
  readonly rule: string;
  constructor(tag: ErrorTag, path: string, rule: string, options?: { cause?: unknown }) {
    super(path ? `${path}: ${rule}` : rule, options);
    this._tag = tag;
    this.path = path;
    this.rule = rule;
    this.name = tag;
  }
}

export const isAimcsimError = (e: unknown): e is AimcsimError => e instanceof AimcsimError;

/** The message of anything thrown, including `throw null` and objects whose toString throws (issue 13.6). */
export function thrownText(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return `threw ${typeof e === "string" ? JSON.stringify(e) : String(e)}`;
  } catch {
    return "threw a value that cannot be printed";
  }
}
