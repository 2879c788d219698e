// The component model registry (hwcomponents / AccelForge style): every ADC, DAC, DRAM kind, systolic dataflow
// and NoC topology is one file carrying its citation, registered here with one line. The built-in tables are
// typed `Record<Kind, Model>` over the spec's kind unions, so the compiler refuses a schema kind without a model.
// Cost functions dispatch through `get(kind)`, never through a switch on the kind.
//
// Adding a built-in model (3 files in src):
//   1. src/components/<family>/<name>.ts: the model object (model.ts says its interface), its source cited by
//      key beside each number, as systolic/os.ts cites docs/REFERENCES.md [scalesim]
//      (test/components/citations.test.ts and test/docs/references.test.ts enforce it);
//   2. one import and one line in a table below;
//   3. its literal in the kind list of src/spec/schema.ts (the one place kind lists live; also where any
//      cross-field rule naming the kind goes, e.g. the highest bits a flash ADC may have).
// The compiler then reports any table missing the kind, and every test that walks the spec's kind list
// (ADC_KINDS, DATAFLOWS, ...) covers it.
//
// Adding a model at run time (a plug-in, or a test): `adcModels.register(model)` (returns an unregister
// function). Limitation: the spec schema validates `kind` against its literal list, so a spec *file* naming a
// run-time kind is rejected by `loadSpec`; a ChipSpec built in code reaches describe and run unchanged
// (test/components/registry.test.ts does that).
import type { AdcKind, DacKind, Dataflow, DramKind, NocTopology } from "../spec/types.ts";
import { AimcsimError } from "../errors.ts";
import type { AdcModel, DacModel, DramModel, NocTopologyModel, SystolicDataflow } from "./model.ts";
import { FLASH_ADC } from "./adc/flash.ts";
import { SAR_ADC } from "./adc/sar.ts";
import { CCO_ADC, RAMP_ADC } from "./adc/time-encoded.ts";
import { BIT_SERIAL_DAC } from "./dac/bit-serial.ts";
import { CURRENT_STEERING_DAC } from "./dac/current-steering.ts";
import { C2C_LADDER_DAC } from "./dac/c2c-ladder.ts";
import { R2R_LADDER_DAC } from "./dac/r2r-ladder.ts";
import { CAPACITIVE_DAC } from "./dac/capacitive.ts";
import { PWM_DAC } from "./dac/pwm.ts";
import { DDR4 } from "./dram/ddr4.ts";
import { GDDR6 } from "./dram/gddr6.ts";
import { HBM2 } from "./dram/hbm2.ts";
import { HBM3 } from "./dram/hbm3.ts";
import { LPDDR4 } from "./dram/lpddr4.ts";
import { LPDDR5 } from "./dram/lpddr5.ts";
import { BUS } from "./noc/bus.ts";
import { CROSSBAR_SWITCH } from "./noc/crossbar.ts";
import { MESH } from "./noc/mesh.ts";
import { RING } from "./noc/ring.ts";
import { TREE } from "./noc/tree.ts";
import { INPUT_STATIONARY } from "./systolic/is.ts";
import { OUTPUT_STATIONARY } from "./systolic/os.ts";
import { WEIGHT_STATIONARY } from "./systolic/ws.ts";

/** Models of one component family, looked up by the spec's `kind`. */
export class ModelRegistry<K extends string, M extends { readonly kind: string }> {
  private readonly extra = new Map<string, M>();

  constructor(
    /** What a kind names, for errors ("ADC kind"). */
    private readonly what: string,
    /** The spec field the kind comes from, for errors ("analog.tile.adc.kind"). */
    private readonly path: string,
    readonly builtIn: Readonly<Record<K, M>>,
  ) {
    for (const [k, m] of Object.entries(builtIn) as [string, M][])
      if (m.kind !== k) throw new AimcsimError("SpecError", path, `registry entry "${k}" holds the model of "${m.kind}"`);
  }

  /** Every registered kind: the built-ins in table order, then those registered at run time. */
  kinds(): string[] {
    return [...Object.keys(this.builtIn), ...this.extra.keys()];
  }

  has(kind: string): boolean {
    return Object.hasOwn(this.builtIn, kind) || this.extra.has(kind);
  }

  get(kind: K): M;
  get(kind: string): M;
  get(kind: string): M {
    const m = Object.hasOwn(this.builtIn, kind) ? this.builtIn[kind as K] : this.extra.get(kind);
    if (m === undefined) throw new AimcsimError("SpecError", this.path, `unknown ${this.what} ${String(kind)}; expected one of ${this.kinds().join(", ")}`);
    return m;
  }

  /** Add a model of a new kind; returns the function that removes it again. */
  register(model: M): () => void {
    if (this.has(model.kind)) throw new AimcsimError("SpecError", this.path, `${this.what} "${model.kind}" is already registered`);
    this.extra.set(model.kind, model);
    return () => void this.extra.delete(model.kind);
  }
}

export const adcModels = new ModelRegistry<AdcKind, AdcModel>("ADC kind", "adc.kind", {
  sar: SAR_ADC,
  flash: FLASH_ADC,
  ramp: RAMP_ADC,
  cco: CCO_ADC,
});

export const dacModels = new ModelRegistry<DacKind, DacModel>("DAC kind", "dac.kind", {
  pwm: PWM_DAC,
  "current-steering": CURRENT_STEERING_DAC,
  "bit-serial": BIT_SERIAL_DAC,
  "c2c-ladder": C2C_LADDER_DAC,
  capacitive: CAPACITIVE_DAC,
  "r2r-ladder": R2R_LADDER_DAC,
});

export const dramModels = new ModelRegistry<DramKind, DramModel>("DRAM kind", "dram.kind", {
  LPDDR4,
  LPDDR5,
  DDR4,
  HBM2,
  HBM3,
  GDDR6,
});

export const dataflows = new ModelRegistry<Dataflow, SystolicDataflow>("dataflow", "systolic[].dataflow", {
  OS: OUTPUT_STATIONARY,
  WS: WEIGHT_STATIONARY,
  IS: INPUT_STATIONARY,
});

export const nocTopologies = new ModelRegistry<NocTopology, NocTopologyModel>("NoC topology", "noc.topology", {
  mesh: MESH,
  ring: RING,
  bus: BUS,
  crossbar: CROSSBAR_SWITCH,
  tree: TREE,
});
