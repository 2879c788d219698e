// Regenerates test/golden/results.json. Run only when a change means to move numbers, and say which and why.
import { writeFileSync } from "node:fs";
import { GOLDEN_FILE, goldenAll } from "./golden.ts";

writeFileSync(GOLDEN_FILE, JSON.stringify(await goldenAll(), null, 1) + "\n");
console.log(`wrote ${GOLDEN_FILE}`);
