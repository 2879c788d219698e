#!/usr/bin/env python3
"""Tiny mixture-of-experts checkpoints for the forward-pass exactness tests (issue 18 item 4), plus one small
TRAINED MoE for accuracy-under-noise per expert placement.

RANDOM-weight fixtures (forward exactness only, never accuracy claims):
  mixtral-moe   MixtralForCausalLM: 8 experts, top-2 (routing weights always renormalised), untied
  olmoe-moe     OlmoeForCausalLM:   8 experts, top-2, norm_topk_prob False, full-width q/k norms, untied
  qwen2-moe     Qwen2MoeForCausalLM: 8 experts, top-2, norm_topk_prob True, shared expert with sigmoid gate,
                q/k/v bias, tied embeddings
Weights: every >= 2-D tensor N(0, 0.2), every norm weight 1 + N(0, 0.1), every bias N(0, 0.1) (seeded).

Each folder: config.json + model.safetensors (save_pretrained, whatever expert layout this transformers writes),
reference/inputs.json (sequences: 2 x 16 ids; decode_prefix: 12),
reference/logits.safetensors ("logits" F32 [2, 16, vocab]: prefill; "decode_logits" F32 [4, vocab]: the first
sequence's tokens 12..15 fed one at a time after a 12-token prefill, through transformers' KV cache;
"hidden_states" F32 [layers + 1, 2, 16, hidden], for locating a mismatch), reference/versions.json.
References come from the checkpoint loaded back, fp32, eager attention, CPU.

TRAINED (tiny-mixtral-wordnet): a 2-layer Mixtral (hidden 64, 8 experts of width 64, top-2, tied, vocab 2048)
trained on the GPU for TRAIN_SECONDS, distilled from the bundled dense models/tiny-llama-wordnet (its samples) plus
lines [0, 80%) of its heldout.txt; early stopping on lines [80%, 90%); lines [90%, 100%) are this model's
heldout.txt, never trained or selected on. Saved in bf16 (size); reference logits from that checkpoint loaded back
in fp32 on CPU. train_log.json has the validation and test perplexities.

Usage: python3 test/numerics/forward-hf-fixtures/make_moe_fixtures.py <out>
"""
import json
import math
import os
import platform
import shutil
import sys
import time

import torch
import transformers
from safetensors import safe_open
from safetensors.torch import save_file

VOCAB, SEQS, LEN, PREFIX = 512, 2, 16, 12
TRAIN_SECONDS = 70
TEACHER_BATCHES = 8


def specs():
    import transformers as T
    common = dict(vocab_size=VOCAB, hidden_size=64, num_attention_heads=4, num_key_value_heads=2,
                  max_position_embeddings=64, num_hidden_layers=2, rms_norm_eps=1e-5, pad_token_id=None,
                  bos_token_id=1, eos_token_id=2)
    return [
        ("mixtral-moe", "MixtralForCausalLM", lambda: T.MixtralConfig(**common, intermediate_size=32, num_local_experts=8,
                                                                       num_experts_per_tok=2, sliding_window=None,
                                                                       tie_word_embeddings=False)),
        ("olmoe-moe", "OlmoeForCausalLM", lambda: T.OlmoeConfig(**common, intermediate_size=32, num_experts=8,
                                                                 num_experts_per_tok=2, norm_topk_prob=False,
                                                                 clip_qkv=None, tie_word_embeddings=False)),
        ("qwen2-moe", "Qwen2MoeForCausalLM", lambda: T.Qwen2MoeConfig(**common, intermediate_size=64,
                                                                       moe_intermediate_size=24,
                                                                       shared_expert_intermediate_size=48,
                                                                       num_experts=8, num_experts_per_tok=2,
                                                                       norm_topk_prob=True, decoder_sparse_step=1,
                                                                       mlp_only_layers=[], use_sliding_window=False,
                                                                       tie_word_embeddings=True)),
    ]


def randomise(model, seed):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                p.copy_(torch.randn(p.shape, generator=g) * 0.2)
            elif name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.1)
            else:
                p.copy_(1 + torch.randn(p.shape, generator=g) * 0.1)


def saved_keys(d):
    with safe_open(os.path.join(d, "model.safetensors"), "pt") as f:
        return {k: list(f.get_slice(k).get_shape()) for k in f.keys()}


def references(cls, d, seqs, clsname, purpose, extra=None):
    m2 = cls.from_pretrained(d, dtype=torch.float32, attn_implementation="eager").eval()
    with torch.no_grad():
        out = m2(seqs, output_hidden_states=True)
        logits = out.logits.float().contiguous()
        hidden = torch.stack([h.float() for h in out.hidden_states]).contiguous()
        pre = m2(seqs[:1, :PREFIX], use_cache=True)
        pkv = pre.past_key_values
        dec = []
        for t in range(PREFIX, seqs.shape[1]):
            o = m2(seqs[:1, t:t + 1], past_key_values=pkv, use_cache=True)
            pkv = o.past_key_values
            dec.append(o.logits[0, -1].float())
        decode = torch.stack(dec).contiguous()
    os.makedirs(os.path.join(d, "reference"), exist_ok=True)
    save_file({"logits": logits, "decode_logits": decode, "hidden_states": hidden},
              os.path.join(d, "reference", "logits.safetensors"))
    with open(os.path.join(d, "reference", "inputs.json"), "w") as f:
        json.dump({"sequences": seqs.tolist(), "decode_prefix": PREFIX}, f)
    info = {"purpose": purpose, "class": clsname, "torch": torch.__version__,
            "transformers": transformers.__version__, "python": platform.python_version(), "device": "cpu",
            "dtype": "float32", "attn_implementation": "eager",
            "state_dict_keys": sorted(m2.state_dict().keys()), "saved_tensors": saved_keys(d),
            "logits_absmax": float(logits.abs().max()),
            "decode_vs_prefill_maxdiff": float((decode - logits[0, PREFIX:]).abs().max())}
    if extra:
        info.update(extra)
    with open(os.path.join(d, "reference", "versions.json"), "w") as f:
        json.dump(info, f, indent=1)
    return logits, decode


def random_fixtures(out):
    ok = True
    for i, (name, clsname, mk) in enumerate(specs()):
        try:
            cls = getattr(transformers, clsname)
            cfg = mk()
            cfg._attn_implementation = "eager"
            torch.manual_seed(1800 + i)
            model = cls(cfg).eval()
            randomise(model, 1800 + i)
            d = os.path.join(out, name)
            os.makedirs(d, exist_ok=True)
            model.save_pretrained(d)
            g = torch.Generator().manual_seed(4242 + i)
            seqs = torch.randint(0, VOCAB, (SEQS, LEN), generator=g)
            logits, decode = references(cls, d, seqs, clsname, "forward-pass exactness fixture; RANDOM weights")
            print(name, "ok", tuple(logits.shape), float(logits.abs().max()), "keys:",
                  [k for k in saved_keys(d) if "layers.0.mlp" in k or "layers.0.block" in k][:6], flush=True)
        except Exception as e:  # one family failing must not lose the others
            ok = False
            import traceback
            traceback.print_exc()
            print(name, "FAILED", type(e).__name__, e, flush=True)
    return ok


def trained(out, repo):
    from tokenizers import Tokenizer
    src = os.path.join(repo, "models", "tiny-llama-wordnet")
    tok = Tokenizer.from_file(os.path.join(src, "tokenizer.json"))
    lines = [l for l in open(os.path.join(src, "heldout.txt"), encoding="utf-8").read().split("\n") if l]
    a, b = int(len(lines) * 0.8), int(len(lines) * 0.9)
    train_lines, val_lines, test_lines = lines[:a], lines[a:b], lines[b:]
    BOS, EOS = 0, 1
    dev = "cuda" if torch.cuda.is_available() else "cpu"

    def stream(ls):
        ids = []
        for l in ls:
            ids += [BOS] + tok.encode(l, add_special_tokens=False).ids + [EOS]
        return torch.tensor(ids, dtype=torch.long)

    tr, va, te = stream(train_lines), stream(val_lines), stream(test_lines)
    CTX = 128
    # Distillation corpus: the bundled trained dense model (models/tiny-llama-wordnet) sampled at temperature 1
    # from BOS, continuing through EOS/BOS as in its training stream (teacher never sees the val/test lines'
    # split decision; they are text it was not trained on either).
    t0 = time.time()
    teacher = transformers.LlamaForCausalLM.from_pretrained(src, dtype=torch.float32).to(dev).eval()
    g = torch.Generator(device=dev).manual_seed(3)
    rows = []
    with torch.no_grad():
        for _ in range(TEACHER_BATCHES):
            x = torch.full((1024, 1), BOS, dtype=torch.long, device=dev)
            o = teacher(x, use_cache=True)
            seq = [x]
            for _t in range(2 * CTX - 1):
                p = torch.softmax(o.logits[:, -1].float(), -1)
                nxt = torch.multinomial(p, 1, generator=g)
                seq.append(nxt)
                o = teacher(nxt, past_key_values=o.past_key_values, use_cache=True)
            s = torch.cat(seq, 1)
            rows.append(s[:, :CTX].cpu())
            rows.append(s[:, CTX:].cpu())
    synth = torch.cat(rows, 0)
    real = tr[: (len(tr) // CTX) * CTX].view(-1, CTX)
    data = torch.cat([synth, real], 0)
    sample_s = time.time() - t0
    del teacher
    cfg = transformers.MixtralConfig(vocab_size=2048, hidden_size=64, intermediate_size=64, num_hidden_layers=2,
                                     num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=CTX,
                                     num_local_experts=8, num_experts_per_tok=2, sliding_window=None,
                                     tie_word_embeddings=True, bos_token_id=BOS, eos_token_id=EOS, pad_token_id=None,
                                     router_aux_loss_coef=0.02, output_router_logits=True, initializer_range=0.05,
                                     rms_norm_eps=1e-5)
    torch.manual_seed(7)
    model = transformers.MixtralForCausalLM(cfg).to(dev).train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.05, betas=(0.9, 0.95))
    gi = torch.Generator().manual_seed(11)
    B = 64

    def ppl(stream_ids):
        model.eval()
        nll, n = 0.0, 0
        with torch.no_grad():
            for p in range(0, len(stream_ids) - 1, CTX):
                w = stream_ids[p:p + CTX].to(dev)
                if len(w) < 2:
                    continue
                lg = model(w[None, :-1]).logits.float()[0]
                nll += float(torch.nn.functional.cross_entropy(lg, w[1:], reduction="sum"))
                n += len(w) - 1
        model.train()
        return math.exp(nll / n), n

    t1 = time.time()
    step, curve, best = 0, [], (float("inf"), -1, None)
    while time.time() - t1 < TRAIN_SECONDS:
        frac = min(1.0, (time.time() - t1) / TRAIN_SECONDS)
        lr = 3e-3 * min(1.0, (step + 1) / 100) * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac)))
        for pg in opt.param_groups:
            pg["lr"] = lr
        x = data[torch.randint(0, len(data), (B,), generator=gi)].to(dev)
        o = model(x, labels=x)
        opt.zero_grad(set_to_none=True)
        o.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 200 == 0:
            vp, _ = ppl(va)
            curve.append([step, round(time.time() - t1, 2), round(float(o.loss.detach()), 4), round(vp, 3)])
            if vp < best[0]:
                best = (vp, step, {k: v.detach().clone() for k, v in model.state_dict().items()})
    vp, _ = ppl(va)
    if vp < best[0]:
        best = (vp, step, {k: v.detach().clone() for k, v in model.state_dict().items()})
    model.load_state_dict(best[2])
    test_ppl, test_n = ppl(te)
    d = os.path.join(out, "tiny-mixtral-wordnet")
    os.makedirs(d, exist_ok=True)
    model.config.output_router_logits = False
    model.to("cpu").to(torch.bfloat16).save_pretrained(d)
    for f in ("tokenizer.json", "tokenizer_config.json", "LICENSE-WordNet.txt"):
        shutil.copy(os.path.join(src, f), os.path.join(d, f))
    with open(os.path.join(d, "heldout.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(test_lines) + "\n")
    log = {"steps": step, "train_seconds": round(time.time() - t1, 1), "teacher_sampling_seconds": round(sample_s, 1),
           "batch": B, "context": CTX, "device": dev, "best_step_by_val": best[1], "val_perplexity_best": best[0],
           "test_perplexity_fp32_before_bf16": test_ppl, "test_tokens_scored": test_n,
           "train_rows_teacher_samples": len(synth), "train_rows_real": len(real),
           "lines": {"train": len(train_lines), "val": len(val_lines), "test": len(test_lines)},
           "tokens": {"train_real": len(tr), "val": len(va), "test": len(te)}, "curve_step_s_loss_valppl": curve,
           "data": ("training rows: samples of models/tiny-llama-wordnet (temperature 1, from BOS) plus lines [0, 80%) "
                    "of models/tiny-llama-wordnet/heldout.txt; early stopping on lines [80%, 90%); heldout.txt here "
                    "= lines [90%, 100%), never trained on or selected on")}
    with open(os.path.join(d, "train_log.json"), "w") as f:
        json.dump(log, f, indent=1)
    seqs = torch.stack([te[:LEN], te[LEN:2 * LEN]])
    references(transformers.MixtralForCausalLM, d, seqs, "MixtralForCausalLM",
               "TRAINED tiny MoE (bf16 checkpoint) for accuracy under noise per expert placement")
    print("tiny-mixtral-wordnet ok", {k: log[k] for k in ("steps", "best_step_by_val", "val_perplexity_best",
                                                         "test_perplexity_fp32_before_bf16", "teacher_sampling_seconds")},
          flush=True)


def main():
    out = sys.argv[1]
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    ok = random_fixtures(out)
    try:
        trained(out, repo)
    except Exception as e:
        ok = False
        import traceback
        traceback.print_exc()
        print("tiny-mixtral-wordnet FAILED", type(e).__name__, e, flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
