// Public face of src/model: transformer shapes (config.json parsing and presets), the projection matrices,
// and the op graphs of prefill and decode. Add one line per new module of the folder.
export * from "./shape.ts";
export * from "./ops.ts";
export * from "./config.ts";
export * from "./presets.ts";
export * from "./projections.ts";
export * from "./opgraph.ts";
