// Field helpers shared by the schema files: ranges, and a field's description (with its unit) and default,
// which the JSON Schema for editors (`aimcsim schema`) shows and JSON specs get filled.
import * as Effect from "effect/Effect";
import * as Schema from "effect/Schema";

export const positive = Schema.Finite.check(Schema.isGreaterThan(0));
export const nonNegative = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0));
export const positiveInt = Schema.Finite.check(Schema.isInt(), Schema.isGreaterThan(0));
export const intBetween = (minimum: number, maximum: number) =>
  Schema.Finite.check(Schema.isInt(), Schema.isBetween({ minimum, maximum }));
export const between = (minimum: number, maximum: number) => Schema.Finite.check(Schema.isBetween({ minimum, maximum }));
export const nonEmpty = Schema.String.check(Schema.isMinLength(1));

/** A field's description, with its unit. */
export const doc = <S extends Schema.Top>(schema: S, description: string, unit?: string): S =>
  schema.annotate({ description: unit ? `${description} Unit: ${unit}.` : description }) as unknown as S;

/** A field with a default: optional in the input (TS constructors and JSON alike), always present after decoding. */
export const withDefault = <S extends Schema.Top>(schema: S, value: S["Encoded"], description: string, unit?: string) =>
  Schema.withDecodingDefaultKey(Effect.sync(() => structuredClone(value) as S["Encoded"]))(
    schema.annotate({
      description: `${unit ? `${description} Unit: ${unit}.` : description} Default: ${JSON.stringify(value)}.`,
      default: value,
    }) as unknown as S,
  );
