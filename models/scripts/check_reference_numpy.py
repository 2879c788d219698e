#!/usr/bin/env python3
"""Independent float64 NumPy forward passes that re-derive the shipped reference logits.

Needs only NumPy (no torch, no transformers): it reads the safetensors files by hand, runs Llama, Phi-3,
GPT-2 and OPT forward passes written from the architectures' definitions, and compares with
reference/logits.safetensors; for tiny-llama-wordnet it also recomputes the held-out perplexity on
reference/ppl_windows.json and compares with reference/metrics.json. Exits non-zero on a mismatch.

Usage (repository root): /usr/bin/python3 models/scripts/check_reference_numpy.py
"""
import json
import math
import os
import struct
import sys

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DT = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def load_st(path):
    with open(path, "rb") as f:
        buf = f.read()
    n = struct.unpack("<Q", buf[:8])[0]
    hdr = json.loads(buf[8 : 8 + n])
    out = {}
    for k, v in hdr.items():
        if k == "__metadata__":
            continue
        s, e = v["data_offsets"]
        out[k] = np.frombuffer(buf[8 + n + s : 8 + n + e], dtype=DT[v["dtype"]]).reshape(v["shape"]).astype(np.float64)
    return out


def rms(x, w, eps):
    return x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w


def ln(x, w, b, eps):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    return (x - m) / np.sqrt(v + eps) * w + b


def softmax(x):
    x = x - x.max(-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(-1, keepdims=True)


def silu(x):
    return x / (1 + np.exp(-x))


def gelu_new(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def attend(q, k, v, scale):
    """q [H,T,D], k/v [Hkv,T,D] -> [T, H*D]; causal; GQA by repeating kv heads."""
    h, t, d = q.shape
    rep = h // k.shape[0]
    k = np.repeat(k, rep, axis=0)
    v = np.repeat(v, rep, axis=0)
    s = q @ k.transpose(0, 2, 1) * scale
    s = s + np.triu(np.full((t, t), -np.inf), 1)
    return (softmax(s) @ v).transpose(1, 0, 2).reshape(t, h * d)


def rope_inv_freq(cfg, hd):
    rp = cfg.get("rope_parameters") or {}
    rs = cfg.get("rope_scaling") or {}
    theta = rp.get("rope_theta", cfg.get("rope_theta", 10000.0))
    kind = rp.get("rope_type", rs.get("rope_type", "default"))
    inv = 1.0 / theta ** (np.arange(0, hd, 2, dtype=np.float64) / hd)
    if kind == "llama3":
        p = rp if "factor" in rp else rs
        f, lo, hi, old = p["factor"], p["low_freq_factor"], p["high_freq_factor"], p["original_max_position_embeddings"]
        wl = 2 * math.pi / inv
        lo_wl, hi_wl = old / lo, old / hi
        out = np.where(wl > lo_wl, inv / f, inv)
        smooth = (old / wl - lo) / (hi - lo)
        smoothed = (1 - smooth) * out / f + smooth * out
        medium = ~(wl < hi_wl) & ~(wl > lo_wl)
        inv = np.where(medium, smoothed, out)
    elif kind != "default":
        raise ValueError(kind)
    return inv


def apply_rope(x, inv):
    """x [H,T,D]; HF rotate_half convention (first half / second half)."""
    t = x.shape[1]
    fr = np.arange(t)[:, None] * inv[None, :]
    emb = np.concatenate([fr, fr], -1)
    cos, sin = np.cos(emb), np.sin(emb)
    half = x.shape[-1] // 2
    rot = np.concatenate([-x[..., half:], x[..., :half]], -1)
    return x * cos + rot * sin


def llama_like(cfg, w, ids, fused):
    d = cfg["hidden_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    hd = cfg.get("head_dim") or d // nh
    eps = cfg["rms_norm_eps"]
    inv = rope_inv_freq(cfg, hd)
    x = w["model.embed_tokens.weight"][ids]
    t = len(ids)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms(x, w[p + "input_layernorm.weight"], eps)
        if fused:
            qkv = h @ w[p + "self_attn.qkv_proj.weight"].T
            q, k, v = np.split(qkv, [nh * hd, nh * hd + nkv * hd], -1)
        else:
            q, k, v = (h @ w[p + f"self_attn.{n}_proj.weight"].T for n in "qkv")
        q = apply_rope(q.reshape(t, nh, hd).transpose(1, 0, 2), inv)
        k = apply_rope(k.reshape(t, nkv, hd).transpose(1, 0, 2), inv)
        v = v.reshape(t, nkv, hd).transpose(1, 0, 2)
        x = x + attend(q, k, v, hd**-0.5) @ w[p + "self_attn.o_proj.weight"].T
        h = rms(x, w[p + "post_attention_layernorm.weight"], eps)
        if fused:
            g, u = np.split(h @ w[p + "mlp.gate_up_proj.weight"].T, 2, -1)
        else:
            g, u = h @ w[p + "mlp.gate_proj.weight"].T, h @ w[p + "mlp.up_proj.weight"].T
        x = x + (silu(g) * u) @ w[p + "mlp.down_proj.weight"].T
    x = rms(x, w["model.norm.weight"], eps)
    head = w.get("lm_head.weight", w["model.embed_tokens.weight"])
    return x @ head.T


def gpt2(cfg, w, ids):
    d, nh, eps = cfg["n_embd"], cfg["n_head"], cfg["layer_norm_epsilon"]
    hd, t = d // nh, len(ids)
    pre = "transformer." if "transformer.wte.weight" in w else ""
    x = w[pre + "wte.weight"][ids] + w[pre + "wpe.weight"][np.arange(t)]
    for i in range(cfg["n_layer"]):
        p = f"{pre}h.{i}."
        h = ln(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        q, k, v = np.split(h @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"], 3, -1)
        q, k, v = (a.reshape(t, nh, hd).transpose(1, 0, 2) for a in (q, k, v))
        x = x + attend(q, k, v, hd**-0.5) @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        h = ln(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        h = gelu_new(h @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        x = x + h @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    x = ln(x, w[pre + "ln_f.weight"], w[pre + "ln_f.bias"], eps)
    return x @ w[pre + "wte.weight"].T


def opt(cfg, w, ids):
    assert cfg["do_layer_norm_before"] and cfg["word_embed_proj_dim"] == cfg["hidden_size"]
    d, nh, t = cfg["hidden_size"], cfg["num_attention_heads"], len(ids)
    hd = d // nh
    p0 = "model.decoder."
    x = w[p0 + "embed_tokens.weight"][ids] + w[p0 + "embed_positions.weight"][np.arange(t) + 2]  # OPT offset 2
    lin = lambda h, n: h @ w[n + ".weight"].T + w[n + ".bias"]
    for i in range(cfg["num_hidden_layers"]):
        p = f"{p0}layers.{i}."
        h = ln(x, w[p + "self_attn_layer_norm.weight"], w[p + "self_attn_layer_norm.bias"], 1e-5)
        q, k, v = (lin(h, p + f"self_attn.{n}_proj").reshape(t, nh, hd).transpose(1, 0, 2) for n in "qkv")
        x = x + lin(attend(q, k, v, hd**-0.5), p + "self_attn.out_proj")
        h = ln(x, w[p + "final_layer_norm.weight"], w[p + "final_layer_norm.bias"], 1e-5)
        x = x + lin(np.maximum(lin(h, p + "fc1"), 0), p + "fc2")
    x = ln(x, w[p0 + "final_layer_norm.weight"], w[p0 + "final_layer_norm.bias"], 1e-5)
    return x @ w.get("lm_head.weight", w[p0 + "embed_tokens.weight"]).T


def forward(cfg, w, ids):
    mt = cfg["model_type"]
    if mt == "llama":
        return llama_like(cfg, w, ids, fused=False)
    if mt == "phi3":
        return llama_like(cfg, w, ids, fused=True)
    if mt == "gpt2":
        return gpt2(cfg, w, ids)
    if mt == "opt":
        return opt(cfg, w, ids)
    raise ValueError(mt)


def check_dir(d, tol):
    cfg = json.load(open(os.path.join(d, "config.json")))
    w = load_st(os.path.join(d, "model.safetensors"))
    seqs = json.load(open(os.path.join(d, "reference", "inputs.json")))["sequences"]
    ref = load_st(os.path.join(d, "reference", "logits.safetensors"))["logits"]
    got = np.stack([forward(cfg, w, np.asarray(s)) for s in seqs])
    diff = float(np.abs(got - ref).max())
    ok = diff <= tol
    print(f"{os.path.relpath(d, ROOT)}: max |numpy64 - reference| = {diff:.3e} (tol {tol:g}) {'OK' if ok else 'FAIL'}")
    return ok, cfg, w


def main():
    ok_all = True
    for name in ["gpt2", "opt", "phi3", "llama-rope-scaled"]:
        ok, _, _ = check_dir(os.path.join(ROOT, "test", "fixtures", "checkpoints", name), 1e-4)
        ok_all &= ok
    d = os.path.join(ROOT, "models", "tiny-llama-wordnet")
    ok, cfg, w = check_dir(d, 1e-3)
    ok_all &= ok
    win = json.load(open(os.path.join(d, "reference", "ppl_windows.json")))["windows"]
    nll, n = 0.0, 0
    for ids in win:
        ids = np.asarray(ids)
        lg = forward(cfg, w, ids)
        lg = lg - lg.max(-1, keepdims=True)
        lp = lg - np.log(np.exp(lg).sum(-1, keepdims=True))
        nll -= lp[np.arange(len(ids) - 1), ids[1:]].sum()
        n += len(ids) - 1
    m = json.load(open(os.path.join(d, "reference", "metrics.json")))["heldout_first_4096_tokens"]
    ppl = math.exp(nll / n)
    rel = abs(ppl - m["perplexity"]) / m["perplexity"]
    ok = n == m["predicted_tokens"] and rel < 1e-5
    print(f"tiny-llama-wordnet held-out ppl (first 4096 tokens): numpy64 {ppl:.6f} vs reference {m['perplexity']:.6f} "
          f"over {n} tokens, rel diff {rel:.2e} {'OK' if ok else 'FAIL'}")
    ok_all &= ok
    sys.exit(0 if ok_all else 1)


if __name__ == "__main__":
    main()
