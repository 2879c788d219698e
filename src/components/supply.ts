// Supply-voltage scaling of the analog tile's converters and drivers. The model per component:
//  - DACs / row drivers (ISAAC 1-bit DAC, PWM pulse drivers, current-steering cells): switching energy C V^2,
//    so E(V) = E_ref (V / V_ref)^2;
//  - SAR and flash ADCs: capacitive DAC, comparators and SAR logic all switch at the supply, so (V / V_ref)^2
//    (the first-order model of the Murmann survey's energy-per-conversion figures;
//    docs/REFERENCES.md [murmann-adc-survey]);
//  - CCO and ramp (time-encoded) ADCs: oscillator / counter C V^2 f over a fixed conversion time, (V / V_ref)^2;
//  - capacitive DACs (C-2C ladder, binary-weighted capacitor array): their models already use the chip supply
//    (src/components/dac.ts), no extra factor;
//  - word and bit lines: C V_swing V_supply with the voltages stated (src/components/periphery.ts);
//  - digital units and SRAM: (V / 0.9 V)^2 from Horowitz's supply (src/components/digital.ts, memory.ts).
// A spec override of a converter's energy (energyPerConversionJ) is taken as measured at the chip's supply and
// is not scaled. Latency is not supply-scaled here: every latency comes from a clock the spec states.

/** Supply at which the converter reference energies hold: 1.0 V. ISAAC's ADC figure is Kull et al.'s 32 nm SOI
 *  SAR ADC, measured at a 1 V supply (ISSCC 2013, a recalled figure: docs/REFERENCES.md [kull-isscc2013]); ISAAC's
 *  DACs sit in the same 32 nm design (assumption: same supply). The survey medians carry no supply; assumption:
 *  the same 1.0 V, the typical core supply of the 28-65 nm designs that dominate the survey's SAR entries. */
export const CONVERTER_REFERENCE_SUPPLY_V = 1.0;

/** Factor on a converter or driver energy at supplyV (undefined: no scaling, the reference supply). */
export const converterSupplyScale = (supplyV: number | undefined, referenceV: number = CONVERTER_REFERENCE_SUPPLY_V): number =>
  supplyV === undefined ? 1 : (supplyV / referenceV) ** 2;
