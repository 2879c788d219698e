// Public face of src/model: transformer shapes (config.json parsing and presets), the projection matrices,
// the op graphs of prefill and decode, and checkpoint/tokenizer loading. One line per module of the folder.
export * from "./shape.ts";
export * from "./ops.ts";
export * from "./config.ts";
export * from "./presets.ts";
export * from "./projections.ts";
export * from "./opgraph.ts";
export * from "./safetensors.ts";
export * from "./tokenizer.ts";
export * from "./checkpoint.ts";
