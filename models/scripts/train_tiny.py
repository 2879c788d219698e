#!/usr/bin/env python3
"""Train models/tiny-llama-wordnet: a small Llama language model on WordNet 3.1 glosses.

Needs PyTorch, Hugging Face transformers, tokenizers and safetensors (a CUDA GPU for speed).
Input: the corpus written by models/scripts/make_corpus.mjs:
  <data>/train.txt          training lines (95 % of the unique glosses)
  <data>/heldout_rest.txt   validation lines (part of the 5 % held out; used only to pick the checkpoint)
  <repo>/models/tiny-llama-wordnet/heldout.txt   test lines (the rest of the 5 %; reported, never used to choose)
Output, under <stage> laid out like the repository:
  models/tiny-llama-wordnet/{config.json, generation_config.json, model.safetensors, tokenizer.json,
                             tokenizer_config.json, train_log.json}
  models/tiny-llama-wordnet/reference/{inputs.json, logits.safetensors, metrics.json, ppl_windows.json}

Document format (training and evaluation alike): every gloss line becomes [<|bos|>] + BPE(line) + [<|eos|>];
the documents are concatenated in file order into one token stream. Training draws 256-token blocks from
that stream; evaluation cuts it into non-overlapping 256-token windows, each scored on its own (255 predicted
tokens per full window), perplexity = exp(mean negative log-likelihood over all predicted tokens).

Usage: python3 models/scripts/train_tiny.py --data .aimcsim-cache/wordnet-corpus --stage /tmp/stage
"""
import argparse
import copy
import json
import math
import os
import platform
import time

import numpy as np
import torch
import torch.nn.functional as F

SEED = 1234
VOCAB = 2048
BOS, EOS = "<|bos|>", "<|eos|>"
CTX = 256
REF_SEQS = 4
REF_LEN = 64
PPL_TOKENS = 4096  # the "few thousand tokens" metric: the first 16 windows of the held-out stream

MODEL_KW = dict(
    hidden_size=256,
    intermediate_size=704,
    num_hidden_layers=4,
    num_attention_heads=8,
    num_key_value_heads=4,
    head_dim=32,
    max_position_embeddings=CTX,
    rms_norm_eps=1e-5,
    tie_word_embeddings=True,
    hidden_act="silu",
    attention_bias=False,
    mlp_bias=False,
    initializer_range=0.02,
)
ROPE_THETA = 10000.0


def log(*a):
    print(*a, flush=True)


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [ln.rstrip("\n") for ln in f if ln.rstrip("\n")]


def train_tokenizer(train_path):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=VOCAB,
        min_frequency=2,
        special_tokens=[BOS, EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train([train_path], trainer)
    bos_id, eos_id = tok.token_to_id(BOS), tok.token_to_id(EOS)
    # tokenizer(text) with special tokens = [<|bos|>] + BPE(text), the prefix every document starts with.
    tok.post_processor = processors.TemplateProcessing(single=f"{BOS} $A", special_tokens=[(BOS, bos_id)])
    return tok, bos_id, eos_id


def to_stream(tok, lines, bos_id, eos_id):
    enc = tok.encode_batch(lines, add_special_tokens=False)
    out = []
    starts = []
    for e in enc:
        starts.append(len(out))
        out.append(bos_id)
        out.extend(e.ids)
        out.append(eos_id)
    return np.asarray(out, dtype=np.int64), starts


def windows(stream, ctx=CTX):
    """Non-overlapping windows; a trailing window shorter than 2 tokens is dropped."""
    ws = [stream[i : i + ctx] for i in range(0, len(stream), ctx)]
    return [w for w in ws if len(w) >= 2]


@torch.no_grad()
def eval_nll(model, wins, device, autocast):
    """Sum of NLL (nats) and count of predicted tokens over windows scored independently."""
    model.eval()
    total, count = 0.0, 0
    full = [w for w in wins if len(w) == CTX]
    rest = [w for w in wins if len(w) != CTX]
    batches = [full[i : i + 64] for i in range(0, len(full), 64)] + [[w] for w in rest]
    for b in batches:
        x = torch.tensor(np.stack(b), device=device)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=autocast):
            logits = model(input_ids=x).logits
        lp = F.log_softmax(logits.float(), dim=-1)[:, :-1]
        nll = -lp.gather(-1, x[:, 1:, None]).squeeze(-1)
        total += float(nll.double().sum())
        count += nll.numel()
    model.train()
    return total, count


def train_run(cfg, stream, val_wins, device, epochs, lr, batch, seed, time_cap_s):
    from transformers import LlamaForCausalLM

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = LlamaForCausalLM(cfg).to(device)
    model.train()
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=lr,
        betas=(0.9, 0.95),
        eps=1e-8,
        fused=device == "cuda",
    )
    n_blocks = (len(stream) - CTX) // CTX
    steps_per_epoch = n_blocks // batch
    total_steps = steps_per_epoch * epochs
    warmup = max(1, total_steps // 20)

    def lr_at(s):
        if s < warmup:
            return lr * (s + 1) / warmup
        p = (s - warmup) / max(1, total_steps - warmup)
        return lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * p)))

    hist = []
    best = (float("inf"), None, -1)
    t0 = time.time()
    step = 0
    eval_every = max(50, total_steps // 25)
    for ep in range(epochs):
        off = int(rng.integers(0, CTX))
        blocks = stream[off : off + n_blocks * CTX].reshape(n_blocks, CTX)
        order = rng.permutation(n_blocks)
        for i in range(steps_per_epoch):
            idx = order[i * batch : (i + 1) * batch]
            x = torch.from_numpy(blocks[idx]).to(device, non_blocking=True)
            for g in opt.param_groups:
                g["lr"] = lr_at(step)
            with torch.autocast("cuda", dtype=torch.bfloat16):
                logits = model(input_ids=x).logits
            loss = F.cross_entropy(logits[:, :-1].float().reshape(-1, logits.size(-1)), x[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            if step % eval_every == 0 or step == total_steps:
                s, c = eval_nll(model, val_wins, device, True)
                vl = s / c
                hist.append({"step": step, "epoch": ep, "train_loss": float(loss), "val_loss": vl, "t_s": time.time() - t0})
                log(f"  step {step}/{total_steps} ep {ep} train {float(loss):.4f} val {vl:.4f} ppl {math.exp(vl):.2f} t {time.time()-t0:.0f}s")
                if vl < best[0]:
                    best = (vl, {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}, step)
            if time.time() - t0 > time_cap_s:
                log(f"  time cap {time_cap_s}s reached at step {step}")
                hist.append({"stopped_by_time_cap_at_step": step})
                return best, hist, step, total_steps, time.time() - t0
    return best, hist, step, total_steps, time.time() - t0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--stage", required=True)
    ap.add_argument("--repo", default=".")
    ap.add_argument("--runs", default="8:3e-3,20:3e-3", help="epochs:lr pairs; the best by validation is kept")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--time-cap-s", type=float, default=200.0, help="safety cap per run")
    args = ap.parse_args()

    import safetensors
    import tokenizers
    import transformers
    from safetensors.torch import save_file
    from transformers import LlamaConfig, LlamaForCausalLM

    device = "cuda" if torch.cuda.is_available() else "cpu"
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
    torch.use_deterministic_algorithms(True, warn_only=True)
    versions = {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "tokenizers": tokenizers.__version__,
        "safetensors": safetensors.__version__,
        "python": platform.python_version(),
        "gpu": torch.cuda.get_device_name(0) if device == "cuda" else None,
    }
    log("versions", json.dumps(versions))

    out_dir = os.path.join(args.stage, "models", "tiny-llama-wordnet")
    ref_dir = os.path.join(out_dir, "reference")
    os.makedirs(ref_dir, exist_ok=True)
    train_path = os.path.join(args.data, "train.txt")
    val_lines = read_lines(os.path.join(args.data, "heldout_rest.txt"))
    test_lines = read_lines(os.path.join(args.repo, "models", "tiny-llama-wordnet", "heldout.txt"))
    train_lines = read_lines(train_path)

    t = time.time()
    tok, bos_id, eos_id = train_tokenizer(train_path)
    log(f"tokenizer: vocab {tok.get_vocab_size()} bos {bos_id} eos {eos_id} in {time.time()-t:.1f}s")
    train_stream, _ = to_stream(tok, train_lines, bos_id, eos_id)
    val_stream, _ = to_stream(tok, val_lines, bos_id, eos_id)
    test_stream, test_starts = to_stream(tok, test_lines, bos_id, eos_id)
    train_bytes = sum(len(l.encode()) + 1 for l in train_lines)
    log(f"tokens: train {len(train_stream)} ({train_bytes/len(train_stream):.2f} bytes/token) val {len(val_stream)} test {len(test_stream)}")

    cfg_kw = dict(MODEL_KW, vocab_size=tok.get_vocab_size(), bos_token_id=bos_id, eos_token_id=eos_id, pad_token_id=None)
    if hasattr(LlamaConfig(), "rope_parameters"):
        cfg_kw["rope_parameters"] = {"rope_type": "default", "rope_theta": ROPE_THETA}
    else:
        cfg_kw["rope_theta"] = ROPE_THETA
    cfg = LlamaConfig(**cfg_kw)
    n_params = sum(p.numel() for p in LlamaForCausalLM(cfg).parameters())
    log(f"params {n_params}")

    val_wins = windows(val_stream)
    runs = []
    best_overall = None
    for i, spec in enumerate(args.runs.split(",")):
        ep_s, lr_s = spec.split(":")
        log(f"run {i}: epochs {ep_s} lr {lr_s} batch {args.batch}")
        best, hist, steps, total, secs = train_run(
            cfg, train_stream, val_wins, device, int(ep_s), float(lr_s), args.batch, SEED + i, args.time_cap_s
        )
        runs.append({"epochs": int(ep_s), "lr": float(lr_s), "batch": args.batch, "seq": CTX, "steps_done": steps,
                     "steps_planned": total, "seconds": secs, "best_val_loss": best[0], "best_step": best[2], "history": hist})
        if best_overall is None or best[0] < best_overall[0]:
            best_overall = (best[0], best[1], i)
    chosen = best_overall[2]
    log(f"chosen run {chosen} val loss {best_overall[0]:.4f}")

    model = LlamaForCausalLM(cfg)
    model.load_state_dict(best_overall[1])
    model = model.to(torch.float32)
    try:
        model.save_pretrained(out_dir, safe_serialization=True)
    except TypeError:
        model.save_pretrained(out_dir)
    tok_json = os.path.join(out_dir, "tokenizer.json")
    tokenizer_note = "PreTrainedTokenizerFast.save_pretrained"
    try:
        from transformers import PreTrainedTokenizerFast

        hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=BOS, eos_token=EOS)
        hf_tok.save_pretrained(out_dir)
    except Exception as e:  # keep the trained model even if the HF wrapper changed its API
        tokenizer_note = f"HF save failed ({type(e).__name__}: {e}); raw tokenizers.Tokenizer.save"
    from tokenizers import Tokenizer

    probe = test_lines[:50]
    try:
        same = [Tokenizer.from_file(tok_json).encode(l).ids for l in probe] == [tok.encode(l).ids for l in probe]
    except Exception:
        same = False
    if not same:
        tok.save(tok_json)
        tokenizer_note += "; tokenizer.json rewritten from the trained tokenizers.Tokenizer"
    log("tokenizer saved:", tokenizer_note)

    # ---- reference: reload what was saved, float32, eager attention, no TF32 ----
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    ref = LlamaForCausalLM.from_pretrained(out_dir, dtype=torch.float32, attn_implementation="eager").to(device).eval()
    try:
        from transformers import PreTrainedTokenizerFast

        tok2 = PreTrainedTokenizerFast.from_pretrained(out_dir)
        hf_roundtrip = tok2(test_lines[0])["input_ids"] == [bos_id] + tok.encode(test_lines[0], add_special_tokens=False).ids
    except Exception as e:
        hf_roundtrip = f"{type(e).__name__}: {e}"
    log("HF tokenizer reload gives [bos]+BPE:", hf_roundtrip)

    def ppl_of(wins):
        s, c = eval_nll(ref, wins, device, False)
        return {"nll_sum_nats": s, "predicted_tokens": c, "mean_nll_nats": s / c, "perplexity": math.exp(s / c)}

    test_wins = windows(test_stream)
    few = windows(test_stream[:PPL_TOKENS])
    train_sample = windows(train_stream[: len(test_stream)])
    m_few, m_test, m_val, m_train = ppl_of(few), ppl_of(test_wins), ppl_of(val_wins), ppl_of(train_sample)
    log(f"ppl: heldout first {PPL_TOKENS} tokens {m_few['perplexity']:.3f}; heldout.txt all {m_test['perplexity']:.3f}; "
        f"validation {m_val['perplexity']:.3f}; train sample {m_train['perplexity']:.3f}")

    pick = [0, 100, 200, 300]
    seqs = [test_stream[test_starts[j] : test_starts[j] + REF_LEN].tolist() for j in pick]
    assert all(len(s) == REF_LEN and s[0] == bos_id for s in seqs)
    x = torch.tensor(seqs, device=device)
    with torch.no_grad():
        logits = ref(input_ids=x).logits.float().cpu().contiguous()
        ref_cpu = LlamaForCausalLM.from_pretrained(out_dir, dtype=torch.float32, attn_implementation="eager").eval()
        logits_cpu = ref_cpu(input_ids=x.cpu()).logits.float()
    gpu_cpu_diff = float((logits - logits_cpu).abs().max())
    save_file({"logits": logits}, os.path.join(ref_dir, "logits.safetensors"))
    with open(os.path.join(ref_dir, "inputs.json"), "w") as f:
        json.dump({"sequences": seqs,
                   "source": "models/tiny-llama-wordnet/heldout.txt: stream [<|bos|>]+BPE(line)+[<|eos|>] per line, "
                             f"64 tokens starting at the <|bos|> of lines {pick} (0-based)"}, f)
    with open(os.path.join(ref_dir, "ppl_windows.json"), "w") as f:
        json.dump({"context": CTX, "windows": [w.tolist() for w in few]}, f)

    # greedy samples for the README
    samples = {}
    for prompt in ["a small", "the act of", "(botany) a plant"]:
        ids = torch.tensor([tok.encode(prompt).ids], device=device)
        with torch.no_grad():
            for _ in range(40):
                nxt = ref(input_ids=ids).logits[0, -1].argmax()
                ids = torch.cat([ids, nxt.view(1, 1)], dim=1)
                if int(nxt) == eos_id:
                    break
        samples[prompt] = tok.decode(ids[0].tolist(), skip_special_tokens=True)
    log("samples", json.dumps(samples))

    metrics = {
        "protocol": "stream = concat over lines of heldout.txt of [<|bos|>]+BPE(line)+[<|eos|>]; non-overlapping "
                    f"windows of {CTX} tokens, each scored independently (position 0 has no prediction); "
                    "perplexity = exp(sum NLL / predicted tokens). float32, eager attention, TF32 off.",
        "heldout_first_4096_tokens": m_few,
        "heldout_all": m_test,
        "validation_heldout_rest": m_val,
        "train_sample_same_size": m_train,
        "ppl_windows_file": "ppl_windows.json (the exact token ids of the heldout_first_4096_tokens windows)",
        "reference_logits": {"device": versions["gpu"] or "cpu", "dtype": "float32", "attn_implementation": "eager",
                             "tf32": False, "max_abs_diff_gpu_vs_cpu": gpu_cpu_diff,
                             "logits_std": float(logits.std()), "logits_absmax": float(logits.abs().max())},
        "versions": versions,
    }
    with open(os.path.join(ref_dir, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    with open(os.path.join(out_dir, "train_log.json"), "w") as f:
        json.dump({"seed": SEED, "params": n_params, "tokenizer_vocab": tok.get_vocab_size(),
                   "train_tokens": int(len(train_stream)), "train_bytes": train_bytes,
                   "val_tokens": int(len(val_stream)), "test_tokens": int(len(test_stream)),
                   "chosen_run": chosen, "runs": runs, "samples": samples, "saved_dtype": "float32",
                   "tokenizer_saved_by": tokenizer_note, "hf_tokenizer_roundtrip": hf_roundtrip,
                   "versions": versions}, f, indent=1)
    log("done; gpu-vs-cpu max |diff|", gpu_cpu_diff)


if __name__ == "__main__":
    main()
