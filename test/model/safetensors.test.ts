import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAimcsimError } from "../../src/errors.ts";
import { encodeSafetensors, readSafetensors, SafetensorsFile, writeSafetensors } from "../../src/model/safetensors.ts";

const tmp = () => mkdtempSync(join(tmpdir(), "aimcsim-st-"));

/** Raw file from a header object and data bytes (no validation: for corrupt-file tests). */
function rawFile(header: unknown, data: Uint8Array, lengthOverride?: bigint): Uint8Array {
  const hb = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + hb.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthOverride ?? BigInt(hb.length), true);
  out.set(hb, 8);
  out.set(data, 8 + hb.length);
  return out;
}

async function expectCheckpointError(bytes: Uint8Array, pattern: RegExp) {
  const p = join(tmp(), "bad.safetensors");
  writeFileSync(p, bytes);
  let err: unknown = null;
  try {
    await readSafetensors(p);
  } catch (e) {
    err = e;
  }
  expect(isAimcsimError(err)).toBe(true);
  expect((err as { _tag: string })._tag).toBe("CheckpointError");
  expect((err as Error).message).toContain(p);
  expect((err as Error).message).toMatch(pattern);
}

describe("safetensors round trip", () => {
  it("F32 tensors of any shape come back bit-identical", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 0, maxLength: 50 }), async (vals) => {
        const p = join(tmp(), "a.safetensors");
        const data = Float32Array.from(vals);
        await writeSafetensors(p, { "w.weight": { shape: [data.length], data }, "b": { shape: [1, 1], data: Float32Array.of(2) } });
        const m = await readSafetensors(p);
        return m.get("w.weight")!.data.every((v, i) => Object.is(v, data[i])) && m.get("b")!.shape.join() === "1,1";
      }),
      { numRuns: 30 },
    );
  });
  it("F16 and BF16 storage round to nearest even and decode exactly", async () => {
    const p = join(tmp(), "h.safetensors");
    const data = Float32Array.of(1, -2.5, 65504, 2 ** -24, 1 + 2 ** -11, 3.0e-8, 1 + 3 * 2 ** -8);
    await writeSafetensors(p, { h: { shape: [7], data, dtype: "F16" }, b: { shape: [7], data, dtype: "BF16" } });
    const m = await readSafetensors(p);
    expect(Array.from(m.get("h")!.data)).toEqual([1, -2.5, 65504, 2 ** -24, 1, 2 ** -24, 1 + 3 * 2 ** -8]);
    expect(Array.from(m.get("b")!.data).slice(0, 4)).toEqual([1, -2.5, 65536, 2 ** -24]);
    expect(m.get("b")!.data[6]).toBe(1 + 2 ** -6); // 1 + 3 * 2^-8 ties up to the even neighbour
  });
  it("integer dtypes convert by value", async () => {
    const p = join(tmp(), "i.safetensors");
    await writeSafetensors(p, { i8: { shape: [3], data: Int8Array.of(-128, 0, 127) }, u8: { shape: [2], data: Uint8Array.of(0, 255) } });
    const m = await readSafetensors(p);
    expect(Array.from(m.get("i8")!.data)).toEqual([-128, 0, 127]);
    expect(Array.from(m.get("u8")!.data)).toEqual([0, 255]);
  });
  it("the header is padded to 8 bytes and the write is atomic (no temp file left)", async () => {
    const d = tmp();
    await writeSafetensors(join(d, "x.safetensors"), { a: { shape: [3], data: new Float32Array(3) } });
    expect(readdirSync(d)).toEqual(["x.safetensors"]);
    const bytes = encodeSafetensors({ a: { shape: [3], data: new Float32Array(3) } });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
  });
  it("reads single tensors by positioned reads", async () => {
    const p = join(tmp(), "s.safetensors");
    await writeSafetensors(p, { a: { shape: [2], data: Float32Array.of(1, 2) }, b: { shape: [1], data: Float32Array.of(3) } });
    const f = await SafetensorsFile.open(p);
    try {
      expect(Array.from((await f.read("b")).data)).toEqual([3]);
      expect(f.has("a")).toBe(true);
      await expect(f.read("zz")).rejects.toThrow(/tensor zz: not present/);
    } finally {
      await f.close();
    }
  });
});

describe("corrupt files give CheckpointError naming the file and tensor", () => {
  const good = { "w": { dtype: "F32", shape: [2], data_offsets: [0, 8] } };
  it("truncated below the length field", () => expectCheckpointError(Uint8Array.of(1, 2, 3), /shorter than the 8-byte header length/));
  it("header length beyond the file", () => expectCheckpointError(rawFile(good, new Uint8Array(8), 10_000n), /header length 10000 runs past the end/));
  it("header not JSON", () => {
    const b = rawFile(good, new Uint8Array(8));
    b[8] = 0x7b + 1;
    return expectCheckpointError(b, /not valid UTF-8 JSON/);
  });
  it("data truncated (offsets beyond the buffer)", () => expectCheckpointError(rawFile(good, new Uint8Array(4)), /tensor w: data_offsets \[0, 8\] run past the end/));
  it("offsets not matching shape x dtype", () =>
    expectCheckpointError(rawFile({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, new Uint8Array(12)), /tensor w: data_offsets span 8 bytes but shape \[3\] x F32 needs 12/));
  it("overlapping tensors", () =>
    expectCheckpointError(
      rawFile({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)),
      /tensor b: data_offsets overlap tensor a/,
    ));
  it("unknown dtype", () => expectCheckpointError(rawFile({ w: { dtype: "F8_E4M3", shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)), /tensor w: unknown dtype "F8_E4M3"/));
  it("NaN and Inf weights", async () => {
    await expectCheckpointError(encodeSafetensors({ "layer.weight": { shape: [2], data: Float32Array.of(1, NaN) } }), /tensor layer.weight: element 1 is NaN/);
    await expectCheckpointError(encodeSafetensors({ "x": { shape: [1], data: Float32Array.of(-Infinity), dtype: "F16" } }), /tensor x: element 0 is -Infinity/);
  });
  it("missing file", async () => {
    await expect(readSafetensors(join(tmp(), "nope.safetensors"))).rejects.toThrow(/cannot open file \(ENOENT\)/);
  });
});
