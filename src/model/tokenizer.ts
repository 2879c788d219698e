// Hugging Face tokenizer.json (the `tokenizers` library's serialisation) for BPE models:
//  (a) byte-level BPE as GPT-2 / Llama-3 (ByteLevel pre-tokenizer, optional Split with the GPT-2 or Llama-3 regex,
//      bytes mapped to printable characters by GPT-2's bytes_to_unicode, ranked merges, ignore_merges),
//  (b) SentencePiece-style BPE as Llama-2 / Phi-3 (normalizer Prepend("▁") + Replace(" ", "▁") or a Metaspace
//      pre-tokenizer, byte_fallback to <0xXX> tokens, decoder Replace/ByteFallback/Fuse/Strip).
// Added tokens are split out before normalisation, as tokenizers' AddedVocabulary does; special ones are never merged.
// Follows tokenizers/src/{models/bpe, pre_tokenizers, normalizers, decoders, processors} (huggingface/tokenizers).

import { AimcsimError } from "../errors.ts";

export interface Tokenizer {
  /** Number of ids (model vocabulary plus added tokens). */
  readonly vocabSize: number;
  readonly bosId: number | null;
  readonly eosId: number | null;
  /** Text -> ids. addSpecialTokens applies the post-processor template (e.g. a leading <s> / <|begin_of_text|>). */
  encode(text: string, opts?: { addSpecialTokens?: boolean }): Int32Array;
  decode(ids: ArrayLike<number>, opts?: { skipSpecialTokens?: boolean }): string;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
}

type J = Record<string, unknown>;

/** Parse tokenizer.json text. `path` names the file in errors. */
export function loadTokenizer(jsonText: string, path: string, specials: { bosToken?: string; eosToken?: string } = {}): Tokenizer {
  let j: J;
  try {
    j = JSON.parse(jsonText) as J;
  } catch (e) {
    throw new AimcsimError("CheckpointError", path, `invalid JSON (${(e as Error).message})`);
  }
  if (j === null || typeof j !== "object" || Array.isArray(j)) throw new AimcsimError("CheckpointError", path, "must be a JSON object");
  return new BpeTokenizer(j, path, specials);
}

/** bos_token / eos_token from a tokenizer_config.json text (strings or {content} objects); {} when absent. */
export function specialsFromTokenizerConfig(text: string | null): { bosToken?: string; eosToken?: string } {
  if (!text) return {};
  try {
    const c = JSON.parse(text) as Record<string, unknown>;
    const pick = (v: unknown) => (typeof v === "string" ? v : v && typeof v === "object" && typeof (v as J).content === "string" ? ((v as J).content as string) : undefined);
    const out: { bosToken?: string; eosToken?: string } = {};
    const b = pick(c.bos_token), e = pick(c.eos_token);
    if (b !== undefined) out.bosToken = b;
    if (e !== undefined) out.eosToken = e;
    return out;
  } catch {
    return {};
  }
}

// GPT-2 bytes_to_unicode (openai/gpt-2 src/encoder.py): printable bytes map to themselves, the rest to 256+n.
const BYTE_TO_CHAR: string[] = [];
const CHAR_TO_BYTE = new Map<string, number>();
{
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const c = bs.includes(b) ? b : 256 + n++;
    BYTE_TO_CHAR[b] = String.fromCodePoint(c);
    CHAR_TO_BYTE.set(String.fromCodePoint(c), b);
  }
}

/** GPT-2's split pattern (tokenizers pre_tokenizers/byte_level.rs). */
const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/**
 * Translate an Oniguruma/PCRE pattern from tokenizer.json to a JS regex: scoped case-insensitive groups `(?i:...)`
 * (used by Llama-3) are expanded to character alternatives since V8 11 lacks regexp modifiers.
 */
export function translatePattern(p: string): RegExp {
  let out = "";
  let i = 0;
  while (i < p.length) {
    if (p.startsWith("(?i:", i)) {
      out += "(?:";
      i += 4;
      let depth = 1;
      let inClass = false;
      while (i < p.length && depth > 0) {
        const c = p[i]!;
        if (c === "\\") {
          out += c + (p[i + 1] ?? "");
          i += 2;
          continue;
        }
        if (inClass) {
          if (c === "]") inClass = false;
          out += /[a-zA-Z]/.test(c) ? c.toLowerCase() + c.toUpperCase() : c;
        } else if (c === "[") {
          inClass = true;
          out += c;
        } else if (c === "(") {
          depth++;
          out += c;
        } else if (c === ")") {
          depth--;
          out += c;
        } else out += /[a-zA-Z]/.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
        i++;
      }
    } else {
      if (p[i] === "\\") {
        out += p[i]! + (p[i + 1] ?? "");
        i += 2;
      } else out += p[i++]!;
    }
  }
  try {
    return new RegExp(out, "gu");
  } catch (e) {
    // A hand-edited or foreign tokenizer.json: the caller adds the file and the field (issue 13.6).
    throw new SyntaxError(`the regular expression ${JSON.stringify(p.length > 120 ? p.slice(0, 120) + "..." : p)} is not valid here (${(e as Error).message})`);
  }
}

/** translatePattern, with an invalid pattern reported as a CheckpointError naming the file and field. */
function patternAt(p: unknown, file: string, field: string): RegExp {
  if (typeof p !== "string") throw new AimcsimError("CheckpointError", file, `${field}: must be a string, got ${JSON.stringify(p)}`);
  try {
    return translatePattern(p);
  } catch (e) {
    throw new AimcsimError("CheckpointError", file, `${field}: ${(e as Error).message}`);
  }
}

interface AddedToken {
  id: number;
  content: string;
  special: boolean;
  /** Absorb whitespace on the left / right of the token when matching (tokenizers AddedToken lstrip / rstrip). */
  lstrip: boolean;
  rstrip: boolean;
}

type PreTok = (pieces: string[], first: boolean) => string[];

class BpeTokenizer implements Tokenizer {
  readonly vocabSize: number;
  readonly bosId: number | null = null;
  readonly eosId: number | null = null;
  private readonly vocab = new Map<string, number>();
  private readonly inv: string[] = [];
  private readonly ranks = new Map<string, number>();
  private readonly byteFallback: boolean;
  private readonly unkId: number | null;
  private readonly ignoreMerges: boolean;
  private readonly byteLevel: boolean;
  private readonly added: AddedToken[];
  private readonly addedRe: RegExp | null;
  private readonly addedByLen: AddedToken[];
  private readonly addedById = new Map<number, AddedToken>();
  private readonly normalize: (s: string) => string;
  private readonly preTokenize: PreTok;
  private readonly decodeChain: (tokens: string[]) => string[];
  private readonly template: Array<{ special: number[] } | "A">;
  private readonly cache = new Map<string, number[]>();

  constructor(
    j: J,
    private readonly path: string,
    specials: { bosToken?: string; eosToken?: string },
  ) {
    const m = j.model as J | undefined;
    if (!m || m.type !== "BPE")
      this.fail("model.type", `unsupported tokenizer model ${JSON.stringify(m?.type)} (supported: BPE)`);
    const vocab = m!.vocab as Record<string, number>;
    if (!vocab || typeof vocab !== "object" || Array.isArray(vocab)) this.fail("model.vocab", "missing (must be an object {token: id})");
    for (const [t, id] of Object.entries(vocab)) {
      if (!Number.isSafeInteger(id) || id < 0) this.fail(`model.vocab[${JSON.stringify(t)}]`, `id must be a non-negative integer, got ${JSON.stringify(id)}`);
      this.vocab.set(t, id);
      this.inv[id] = t;
    }
    const merges = (m!.merges ?? []) as Array<string | [string, string]>;
    if (!Array.isArray(merges)) this.fail("model.merges", "must be an array");
    merges.forEach((mm, r) => {
      let a: string, b: string;
      if (typeof mm === "string" && mm.indexOf(" ", 1) > 0) {
        const sp = mm.indexOf(" ", 1);
        a = mm.slice(0, sp);
        b = mm.slice(sp + 1);
      } else if (Array.isArray(mm) && mm.length === 2 && typeof mm[0] === "string" && typeof mm[1] === "string") [a, b] = mm;
      else return this.fail(`model.merges[${r}]`, `must be "a b" or ["a", "b"], got ${JSON.stringify(mm)}`);
      // as HF tokenizers' BPE builder (MergeTokenOutOfVocabulary): both parts must be tokens of the vocabulary
      for (const part of [a, b])
        if (!this.vocab.has(part)) this.fail(`model.merges[${r}]`, `token ${JSON.stringify(part)} is not in the vocabulary`);
      this.ranks.set(a + "\u0000" + b, r);
    });
    this.byteFallback = m!.byte_fallback === true;
    this.ignoreMerges = m!.ignore_merges === true;
    const unk = m!.unk_token;
    this.unkId = typeof unk === "string" ? (this.vocab.get(unk) ?? null) : null;
    this.added = ((j.added_tokens ?? []) as J[]).map((a) => ({
      id: a.id as number,
      content: a.content as string,
      special: a.special === true,
      lstrip: a.lstrip === true,
      rstrip: a.rstrip === true,
    }));
    for (const a of this.added) {
      this.addedById.set(a.id, a);
      this.inv[a.id] = a.content;
    }
    // longest first, one capture group per token so the match tells which token it was
    this.addedByLen = [...this.added].sort((x, y) => y.content.length - x.content.length);
    this.addedRe = this.addedByLen.length
      ? new RegExp(this.addedByLen.map((a) => `(${a.lstrip ? "\\s*" : ""}${escapeRe(a.content)}${a.rstrip ? "\\s*" : ""})`).join("|"), "gu")
      : null;
    this.vocabSize = this.inv.length;
    this.byteLevel = hasType(j.pre_tokenizer, "ByteLevel") || hasType(j.decoder, "ByteLevel");
    this.normalize = this.buildNormalizer(j.normalizer as J | null);
    this.preTokenize = this.buildPreTokenizer(j.pre_tokenizer as J | null);
    this.decodeChain = this.buildDecoder(j.decoder as J | null);
    this.template = this.buildTemplate(j.post_processor as J | null);
    const firstSpecial = this.template.find((x) => x !== "A") as { special: number[] } | undefined;
    this.bosId = firstSpecial && this.template[0] !== "A" ? (firstSpecial.special[0] ?? null) : null;
    if (specials.bosToken !== undefined) this.bosId = this.tokenToId(specials.bosToken) ?? this.bosId;
    for (const name of [specials.eosToken, "</s>", "<|end_of_text|>", "<|endoftext|>", "<|eos|>"]) {
      if (name === undefined) continue;
      const id = this.tokenToId(name);
      if (id !== undefined) {
        this.eosId = id;
        break;
      }
    }
  }

  private fail(field: string, rule: string): never {
    throw new AimcsimError("CheckpointError", this.path, `${field}: ${rule}`);
  }

  tokenToId(token: string): number | undefined {
    const a = this.added.find((x) => x.content === token);
    return a ? a.id : this.vocab.get(token);
  }

  idToToken(id: number): string | undefined {
    return this.inv[id];
  }

  encode(text: string, opts: { addSpecialTokens?: boolean } = {}): Int32Array {
    const body: number[] = [];
    // 1. split out added tokens
    const segs: Array<string | AddedToken> = [];
    if (this.addedRe) {
      let last = 0;
      this.addedRe.lastIndex = 0;
      for (const mm of text.matchAll(this.addedRe)) {
        if (mm.index! > last) segs.push(text.slice(last, mm.index));
        let g = 1;
        while (mm[g] === undefined) g++;
        segs.push(this.addedByLen[g - 1]!);
        last = mm.index! + mm[0].length;
      }
      if (last < text.length) segs.push(text.slice(last));
    } else if (text.length) segs.push(text);
    let first = true;
    for (const s of segs) {
      if (typeof s !== "string") {
        body.push(s.id);
        first = false;
        continue;
      }
      const norm = this.normalize(s);
      for (const word of this.preTokenize([norm], first)) this.bpeWord(word, body);
      first = false;
    }
    if (opts.addSpecialTokens) {
      const ai = this.template.indexOf("A");
      const pre = this.template.slice(0, ai).flatMap((t) => (t === "A" ? [] : t.special));
      const post = this.template.slice(ai + 1).flatMap((t) => (t === "A" ? [] : t.special));
      return Int32Array.from([...pre, ...body, ...post]);
    }
    return Int32Array.from(body);
  }

  private bpeWord(word: string, out: number[]): void {
    if (!word.length) return;
    const hit = this.cache.get(word);
    if (hit) {
      out.push(...hit);
      return;
    }
    const ids: number[] = [];
    const direct = this.vocab.get(word);
    if (this.ignoreMerges && direct !== undefined) ids.push(direct);
    else {
      const sym = this.mergeWord(word);
      for (const s of sym) {
        const id = this.vocab.get(s);
        if (id !== undefined) ids.push(id);
        else if (this.byteFallback) {
          for (const b of new TextEncoder().encode(s)) {
            const bid = this.vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, "0")}>`);
            if (bid !== undefined) ids.push(bid);
            else if (this.unkId !== null) ids.push(this.unkId);
            else this.fail("model.vocab", `no byte-fallback token <0x${b.toString(16).toUpperCase().padStart(2, "0")}> and no unk_token`);
          }
        } else if (this.unkId !== null) ids.push(this.unkId);
        else this.fail("model.vocab", `symbol ${JSON.stringify(s)} is not in the vocabulary and there is no unk_token`);
      }
    }
    if (this.cache.size < 100_000) this.cache.set(word, ids);
    out.push(...ids);
  }

  /**
   * Apply ranked merges to one pre-token: repeatedly merge the adjacent pair with the lowest (rank, position), as
   * tokenizers' models/bpe/word.rs Word::merge_all does with a priority queue; O(n log n) via a linked list + heap.
   */
  private mergeWord(word: string): string[] {
    const sym = Array.from(word);
    const n = sym.length;
    if (n < 2) return sym;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // binary min-heap of [rank, pos, left, right]
    const heap: Array<[number, number, string, string]> = [];
    const less = (a: [number, number, string, string], b: [number, number, string, string]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
    const push = (e: [number, number, string, string]) => {
      heap.push(e);
      let i = heap.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!less(heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    };
    const pop = (): [number, number, string, string] => {
      const top = heap[0]!;
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1, r = l + 1;
          let m = i;
          if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
          if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
          if (m === i) break;
          [heap[i], heap[m]] = [heap[m]!, heap[i]!];
          i = m;
        }
      }
      return top;
    };
    const consider = (i: number) => {
      const j = next[i]!;
      if (i < 0 || j < 0) return;
      const r = this.ranks.get(sym[i] + "\u0000" + sym[j]);
      if (r !== undefined) push([r, i, sym[i]!, sym[j]!]);
    };
    for (let i = 0; i + 1 < n; i++) consider(i);
    while (heap.length) {
      const [, i, a, b] = pop();
      const j = next[i]!;
      if (j < 0 || sym[i] !== a || sym[j] !== b) continue; // stale entry
      sym[i] = a + b;
      sym[j] = "";
      const k = next[j]!;
      next[i] = k;
      if (k >= 0) prev[k] = i;
      consider(prev[i]!);
      consider(i);
    }
    const out: string[] = [];
    for (let i = 0; i >= 0; i = next[i]!) out.push(sym[i]!);
    return out;
  }

  decode(ids: ArrayLike<number>, opts: { skipSpecialTokens?: boolean } = {}): string {
    const toks: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const a = this.addedById.get(id);
      if (a && a.special && opts.skipSpecialTokens) continue;
      const t = this.inv[id];
      if (t === undefined) throw new AimcsimError("UsageError", "ids", `token id ${id} is outside the vocabulary [0, ${this.vocabSize})`);
      toks.push(t);
    }
    return this.decodeChain(toks).join("");
  }

  // ---- pipeline builders ----

  private buildNormalizer(n: J | null): (s: string) => string {
    if (!n) return (s) => s;
    switch (n.type) {
      case "Sequence": {
        const fs = (n.normalizers as J[]).map((x) => this.buildNormalizer(x));
        return (s) => fs.reduce((acc, f) => f(acc), s);
      }
      case "Prepend":
        return (s) => (s.length ? (n.prepend as string) + s : s);
      case "Replace": {
        const { re, content } = replaceSpec(n, this.path);
        return (s) => s.replace(re, content);
      }
      case "NFC":
      case "NFD":
      case "NFKC":
      case "NFKD":
        return (s) => s.normalize(n.type as "NFC");
      case "Lowercase":
        return (s) => s.toLowerCase();
      default:
        return this.fail("normalizer.type", `unsupported normalizer ${JSON.stringify(n.type)}`);
    }
  }

  private buildPreTokenizer(p: J | null): PreTok {
    if (!p) return (pieces) => pieces;
    switch (p.type) {
      case "Sequence": {
        const fs = (p.pretokenizers as J[]).map((x) => this.buildPreTokenizer(x));
        return (pieces, first) => fs.reduce((acc, f) => f(acc, first), pieces);
      }
      case "ByteLevel": {
        const prefix = p.add_prefix_space === true;
        const useRe = p.use_regex !== false;
        const re = translatePattern(GPT2_PATTERN);
        return (pieces) =>
          pieces.flatMap((s) => {
            const t = prefix && !s.startsWith(" ") ? " " + s : s;
            const words = useRe ? (t.match(re) ?? []) : [t];
            return words.map(bytesToChars);
          });
      }
      case "Split": {
        const pat = p.pattern as { Regex?: string; String?: string };
        const re = pat.Regex !== undefined ? patternAt(pat.Regex, this.path, "pre_tokenizer.pattern.Regex") : new RegExp(escapeRe(String(pat.String ?? "")), "gu");
        const behavior = p.behavior as string;
        if (p.invert === true) this.fail("pre_tokenizer.invert", "inverted Split is not supported");
        if (behavior !== "Isolated" && behavior !== "Removed")
          this.fail("pre_tokenizer.behavior", `Split behavior ${JSON.stringify(behavior)} is not supported (Isolated, Removed)`);
        return (pieces) =>
          pieces.flatMap((s) => {
            const out: string[] = [];
            let last = 0;
            for (const mm of s.matchAll(re)) {
              if (mm[0].length === 0) continue;
              if (mm.index! > last) out.push(s.slice(last, mm.index));
              if (behavior === "Isolated") out.push(mm[0]);
              last = mm.index! + mm[0].length;
            }
            if (last < s.length) out.push(s.slice(last));
            return out;
          });
      }
      case "Metaspace": {
        const rep = (p.replacement as string) ?? "▁";
        const scheme = (p.prepend_scheme as string) ?? (p.add_prefix_space === false ? "never" : "always");
        const split = p.split !== false;
        return (pieces, first) =>
          pieces.flatMap((s) => {
            let t = s.replaceAll(" ", rep);
            if ((scheme === "always" || (scheme === "first" && first)) && !t.startsWith(rep)) t = rep + t;
            if (!split) return [t];
            const out: string[] = [];
            let cur = "";
            for (const ch of t) {
              if (ch === rep && cur.length) {
                out.push(cur);
                cur = "";
              }
              cur += ch;
            }
            if (cur.length) out.push(cur);
            return out;
          });
      }
      case "Digits": {
        const individual = p.individual_digits === true;
        const re = individual ? /\p{N}/gu : /\p{N}+/gu;
        return (pieces) =>
          pieces.flatMap((s) => {
            const out: string[] = [];
            let last = 0;
            for (const mm of s.matchAll(re)) {
              if (mm.index! > last) out.push(s.slice(last, mm.index));
              out.push(mm[0]);
              last = mm.index! + mm[0].length;
            }
            if (last < s.length) out.push(s.slice(last));
            return out;
          });
      }
      default:
        return this.fail("pre_tokenizer.type", `unsupported pre-tokenizer ${JSON.stringify(p.type)}`);
    }
  }

  private buildDecoder(d: J | null): (tokens: string[]) => string[] {
    if (!d) return (t) => t;
    switch (d.type) {
      case "Sequence": {
        const fs = (d.decoders as J[]).map((x) => this.buildDecoder(x));
        return (t) => fs.reduce((acc, f) => f(acc), t);
      }
      case "ByteLevel":
        return (toks) => {
          const bytes: number[] = [];
          for (const t of toks)
            for (const ch of t) {
              const b = CHAR_TO_BYTE.get(ch);
              if (b !== undefined) bytes.push(b);
              else bytes.push(...new TextEncoder().encode(ch));
            }
          return [new TextDecoder().decode(Uint8Array.from(bytes))];
        };
      case "Replace": {
        const { re, content } = replaceSpec(d, this.path);
        return (toks) => toks.map((t) => t.replace(re, content));
      }
      case "ByteFallback":
        return (toks) => {
          const out: string[] = [];
          let pend: number[] = [];
          const flush = () => {
            if (!pend.length) return;
            const dec = new TextDecoder("utf-8", { fatal: true });
            try {
              out.push(dec.decode(Uint8Array.from(pend)));
            } catch {
              for (let i = 0; i < pend.length; i++) out.push("\uFFFD");
            }
            pend = [];
          };
          for (const t of toks) {
            const mm = /^<0x([0-9A-Fa-f]{2})>$/.exec(t);
            if (mm) pend.push(parseInt(mm[1]!, 16));
            else {
              flush();
              out.push(t);
            }
          }
          flush();
          return out;
        };
      case "Fuse":
        return (toks) => [toks.join("")];
      case "Strip": {
        const c = d.content as string;
        const start = (d.start as number) ?? 0;
        const stop = (d.stop as number) ?? 0;
        return (toks) =>
          toks.map((t) => {
            let s = t;
            for (let i = 0; i < start && s.startsWith(c); i++) s = s.slice(c.length);
            for (let i = 0; i < stop && s.endsWith(c); i++) s = s.slice(0, s.length - c.length);
            return s;
          });
      }
      case "Metaspace": {
        const rep = (d.replacement as string) ?? "▁";
        const scheme = (d.prepend_scheme as string) ?? (d.add_prefix_space === false ? "never" : "always");
        return (toks) =>
          toks.map((t, i) => {
            const s = t.replaceAll(rep, " ");
            return i === 0 && scheme !== "never" && s.startsWith(" ") ? s.slice(1) : s;
          });
      }
      default:
        return this.fail("decoder.type", `unsupported decoder ${JSON.stringify(d.type)}`);
    }
  }

  private buildTemplate(p: J | null): Array<{ special: number[] } | "A"> {
    if (!p) return ["A"];
    if (p.type === "Sequence") {
      const t = ((p.processors ?? []) as J[]).find((x) => x.type === "TemplateProcessing");
      return t ? this.buildTemplate(t) : ["A"];
    }
    if (p.type === "ByteLevel") return ["A"];
    if (p.type !== "TemplateProcessing") return this.fail("post_processor.type", `unsupported post-processor ${JSON.stringify(p.type)}`);
    const specials = (p.special_tokens ?? {}) as Record<string, { ids: number[] }>;
    return ((p.single ?? []) as J[]).map((item) => {
      if ("Sequence" in item) return "A" as const;
      const sp = (item.SpecialToken as { id: string }).id;
      const ids = specials[sp]?.ids ?? (this.tokenToId(sp) !== undefined ? [this.tokenToId(sp)!] : null);
      if (!ids) return this.fail("post_processor.single", `special token ${JSON.stringify(sp)} has no id`);
      return { special: ids };
    });
  }
}

function hasType(x: unknown, type: string): boolean {
  if (!x || typeof x !== "object") return false;
  const o = x as J;
  if (o.type === type) return true;
  for (const k of ["pretokenizers", "decoders", "normalizers"]) if (Array.isArray(o[k])) return (o[k] as unknown[]).some((y) => hasType(y, type));
  return false;
}

function bytesToChars(s: string): string {
  let out = "";
  for (const b of new TextEncoder().encode(s)) out += BYTE_TO_CHAR[b]!;
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function replaceSpec(n: J, path: string): { re: RegExp; content: string } {
  const pat = n.pattern as { String?: string; Regex?: string };
  const content = n.content as string;
  if (pat.String !== undefined) return { re: new RegExp(escapeRe(pat.String), "gu"), content };
  if (pat.Regex !== undefined) return { re: patternAt(pat.Regex, path, "Replace.pattern.Regex"), content };
  throw new AimcsimError("CheckpointError", path, "Replace: pattern must have String or Regex");
}
