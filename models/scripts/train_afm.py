#!/usr/bin/env python3
"""Hardware-aware fine-tuning of models/tiny-llama-wordnet in the manner of the Analog Foundation Models paper
(Buchel et al., NeurIPS 2025, arXiv 2505.09663; docs/REFERENCES.md [afm-neurips2025]), giving
models/tiny-llama-wordnet-afm.

What the fine-tuning sees, per decoder projection (q, k, v, o, gate, up, down; embeddings, norms, attention and the
tied lm_head stay digital fp32 as on hw-specs/afm-pcm.ts):
  - input range learning: one static range r per layer (a trainable parameter, initialised at the INIT_QUANTILE
    quantile of |x| on training batches); x is clipped to [-r, r] and quantised to 8 bits (-127..127) with a
    straight-through estimator, so r gets the LSQ gradient (Esser et al. 2020) plus the clipping gradient;
  - the afm-pcm mapping: rows split into 512-input tiles, each tile's weights normalised per output column by the
    column's max |w| on that tile (aimcsim's default column scaling) and quantised to 8 bits (-127..127);
  - noise injection: PCM programming noise of a differential pair (aihwkit PCMLikeNoiseModel polynomial,
    sigma(x) = 0.26348 + 1.9650 x - 1.1731 x^2 uS at x = g/g_max, g_max 25 uS, on the programmed device and
    sigma(0) on its partner) times NOISE_SCALE, drawn afresh every forward pass, plus aihwkit's output-referred
    w_noise 0.0175 sqrt(sum |w| x^2) and out_noise 0.04;
  - output clipping and quantisation: each tile's normalised output clipped at +-out_bound 14 and quantised to 8
    bits (straight-through), as the afm-pcm ADC;
  - weights clipped per output channel at CLIP_SIGMA (2.5) standard deviations after every optimiser step (AFM).
Loss: next-token cross-entropy plus the KL divergence from the original (teacher) model's distribution (AFM
distils from the off-the-shelf model). Checkpoint kept: lowest validation loss measured WITH the hardware model
(noise on, fixed seed) on heldout_rest.txt; models/tiny-llama-wordnet/heldout.txt (the test split) is never used.

Output (under --stage, laid out like the repository): models/tiny-llama-wordnet-afm/ with the bundled model's
config, tokenizer and held-out text, model.safetensors holding the same tensors as the bundled model plus one
scalar "<projection>.input_range" per analog layer (the learned static input range, read by aimcsim eval), and
train_log.json.

Usage: python3 models/scripts/train_afm.py --data .aimcsim-cache/wordnet-corpus --stage /tmp/stage
"""
import argparse
import json
import math
import os
import shutil
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 4321
CTX = 256
TILE_ROWS = 512  # hw-specs/afm-pcm.ts tile rows
IN_LEVELS = 127  # 8-bit signed DAC
OUT_LEVELS = 127  # 8-bit signed ADC
W_LEVELS = 127  # 8-bit weights
OUT_BOUND = 14.0  # AFM out_bound (hw-specs/afm-pcm.ts)
W_NOISE = 0.0175  # aihwkit PCM_READ w_noise (src/spec pcmNoise default)
OUT_NOISE = 0.04  # aihwkit StandardHWATrainingPreset out_noise (src/spec pcmNoise default)
G_MAX_US = 25.0  # aihwkit PCM g_max
CLIP_SIGMA = 2.5  # AFM: weights clipped per output channel at 2.5 sigma
INIT_QUANTILE = 0.999  # input-range initialisation (assumption; the range is learned from there)
SRC = "models/tiny-llama-wordnet"
DST = "models/tiny-llama-wordnet-afm"
ANALOG = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def log(*a):
    print(*a, flush=True)


def ste_round(v):
    return v + (torch.round(v) - v).detach()


def pcm_prog_sigma(x):
    """aihwkit PCMLikeNoiseModel programming-noise polynomial, in units of g_max (x = g / g_max)."""
    return (0.26348 + 1.9650 * x - 1.1731 * x * x) / G_MAX_US


class HwaLinear(nn.Module):
    def __init__(self, lin: nn.Linear, name: str, noise_scale: float):
        super().__init__()
        self.weight = lin.weight
        self.name = name
        self.noise_scale = noise_scale
        self.input_range = nn.Parameter(torch.ones(()))
        self.hw = True
        self.record = None  # list of |x| samples while initialising ranges

    def forward(self, x):
        if self.record is not None:
            a = x.detach().abs().flatten().float()
            self.record.append(a[torch.randint(0, a.numel(), (min(a.numel(), 200_000),), device=a.device)])
        if not self.hw:
            return F.linear(x, self.weight)
        r = self.input_range.abs() + 1e-8
        xn = ste_round(torch.clamp(x / r, -1.0, 1.0) * IN_LEVELS) / IN_LEVELS
        W = self.weight
        out = None
        for a in range(0, W.shape[1], TILE_ROWS):
            Wt = W[:, a : a + TILE_ROWS]
            s = Wt.detach().abs().amax(dim=1, keepdim=True).clamp_min(1e-12)
            Wn = ste_round(Wt / s * W_LEVELS) / W_LEVELS
            if self.training:
                ax = Wn.detach().abs()
                sig = torch.sqrt(pcm_prog_sigma(ax) ** 2 + pcm_prog_sigma(torch.zeros_like(ax)) ** 2) * self.noise_scale
                Wn = Wn + sig * torch.randn_like(Wn)
            xt = xn[..., a : a + TILE_ROWS]
            y = F.linear(xt, Wn)
            if self.training:
                v = F.linear(xt * xt, Wn.detach().abs())
                y = y + W_NOISE * torch.sqrt(v + 1e-12) * torch.randn_like(y) + OUT_NOISE * torch.randn_like(y)
            y = torch.clamp(y, -OUT_BOUND, OUT_BOUND)
            y = ste_round(y * (OUT_LEVELS / OUT_BOUND)) * (OUT_BOUND / OUT_LEVELS)
            y = y * s.squeeze(1) * r
            out = y if out is None else out + y
        return out


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [ln.rstrip("\n") for ln in f if ln.rstrip("\n")]


def to_stream(tok, lines, bos, eos):
    out = []
    for e in tok.encode_batch(lines, add_special_tokens=False):
        out.append(bos)
        out.extend(e.ids)
        out.append(eos)
    return np.asarray(out, dtype=np.int64)


def hwa_layers(model):
    return [m for m in model.modules() if isinstance(m, HwaLinear)]


def set_hw(model, on):
    for m in hwa_layers(model):
        m.hw = on


@torch.no_grad()
def val_loss(model, wins, device, hw, seed=0):
    set_hw(model, hw)
    was = model.training
    # hardware validation keeps the noise (train mode for the HWA layers) with a fixed seed
    model.train(hw)
    g = torch.random.get_rng_state()
    gc = torch.cuda.get_rng_state() if device == "cuda" else None
    torch.manual_seed(seed)
    tot, n = 0.0, 0
    for i in range(0, len(wins), 32):
        x = torch.tensor(np.stack(wins[i : i + 32]), device=device)
        lp = F.log_softmax(model(input_ids=x).logits.float(), -1)[:, :-1]
        tot += float(-lp.gather(-1, x[:, 1:, None]).sum())
        n += lp.shape[0] * lp.shape[1]
    torch.random.set_rng_state(g)
    if gc is not None:
        torch.cuda.set_rng_state(gc)
    model.train(was)
    set_hw(model, True)
    return tot / n


@torch.no_grad()
def clip_weights(model):
    for m in hwa_layers(model):
        w = m.weight
        sd = w.std(dim=1, keepdim=True)
        w.copy_(torch.maximum(torch.minimum(w, CLIP_SIGMA * sd), -CLIP_SIGMA * sd))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--stage", required=True)
    ap.add_argument("--repo", default=".")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--range-lr", type=float, default=1e-2)
    ap.add_argument("--kd", type=float, default=1.0, help="weight of the KL-to-teacher term")
    ap.add_argument("--noise-scale", type=float, default=1.5, help="programming-noise multiplier (covers drift and read noise)")
    ap.add_argument("--time-cap-s", type=float, default=300.0)
    args = ap.parse_args()

    from safetensors import safe_open
    from safetensors.torch import save_file
    from tokenizers import Tokenizer
    from transformers import LlamaForCausalLM

    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    src = os.path.join(args.repo, SRC)
    tok = Tokenizer.from_file(os.path.join(src, "tokenizer.json"))
    bos, eos = tok.token_to_id("<|bos|>"), tok.token_to_id("<|eos|>")
    train = to_stream(tok, read_lines(os.path.join(args.data, "train.txt")), bos, eos)
    val = to_stream(tok, read_lines(os.path.join(args.data, "heldout_rest.txt")), bos, eos)
    val_wins = [val[i : i + CTX] for i in range(0, len(val) - CTX + 1, CTX)][:64]
    log(f"train tokens {len(train)}, validation windows {len(val_wins)}, device {device}")

    teacher = LlamaForCausalLM.from_pretrained(src, torch_dtype=torch.float32).to(device).eval()
    student = LlamaForCausalLM.from_pretrained(src, torch_dtype=torch.float32).to(device)
    for p in teacher.parameters():
        p.requires_grad_(False)
    names = []
    for li, layer in enumerate(student.model.layers):
        for parent, attr in ((layer.self_attn, ("q_proj", "k_proj", "v_proj", "o_proj")), (layer.mlp, ("gate_proj", "up_proj", "down_proj"))):
            for a in attr:
                name = f"model.layers.{li}.{'self_attn' if parent is layer.self_attn else 'mlp'}.{a}"
                setattr(parent, a, HwaLinear(getattr(parent, a), name, args.noise_scale).to(device))
                names.append(name)
    layers = hwa_layers(student)

    fp32_val0 = val_loss(student, val_wins, device, hw=False)
    # input ranges from data
    for m in layers:
        m.record = []
    set_hw(student, False)
    with torch.no_grad():
        for _ in range(8):
            idx = rng.integers(0, len(train) - CTX, size=args.batch)
            student(input_ids=torch.tensor(np.stack([train[i : i + CTX] for i in idx]), device=device))
    for m in layers:
        a = torch.cat(m.record)
        m.input_range.data.fill_(float(torch.quantile(a, INIT_QUANTILE)))
        m.record = None
    set_hw(student, True)
    clip_weights(student)
    hw_val0 = val_loss(student, val_wins, device, hw=True)
    log(f"start: fp32 val loss {fp32_val0:.4f} (ppl {math.exp(fp32_val0):.2f}); hardware val loss after clipping {hw_val0:.4f} (ppl {math.exp(hw_val0):.2f})")

    ranges = [m.input_range for m in layers]
    weights = [p for n, p in student.named_parameters() if not n.endswith("input_range")]
    opt = torch.optim.AdamW(
        [{"params": weights, "lr": args.lr, "weight_decay": 0.0}, {"params": ranges, "lr": args.range_lr, "weight_decay": 0.0}],
        betas=(0.9, 0.95),
    )
    base_lr = [args.lr, args.range_lr]
    warm = max(1, args.steps // 20)
    hist = []
    best = (float("inf"), None, -1)
    t0 = time.time()
    step = 0
    every = max(50, args.steps // 10)
    student.train()
    while step < args.steps:
        idx = rng.integers(0, len(train) - CTX, size=args.batch)
        x = torch.tensor(np.stack([train[i : i + CTX] for i in idx]), device=device)
        f = (step + 1) / warm if step < warm else 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * (step - warm) / max(1, args.steps - warm)))
        for g, b in zip(opt.param_groups, base_lr):
            g["lr"] = b * f
        with torch.no_grad():
            tl = teacher(input_ids=x).logits.float()
        sl = student(input_ids=x).logits.float()
        V = sl.shape[-1]
        ce = F.cross_entropy(sl[:, :-1].reshape(-1, V), x[:, 1:].reshape(-1))
        kd = F.kl_div(F.log_softmax(sl, -1).reshape(-1, V), F.log_softmax(tl, -1).reshape(-1, V), log_target=True, reduction="batchmean")
        loss = ce + args.kd * kd
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(weights, 1.0)
        opt.step()
        clip_weights(student)
        step += 1
        if step % every == 0 or step == args.steps or time.time() - t0 > args.time_cap_s:
            hv = val_loss(student, val_wins, device, hw=True)
            fv = val_loss(student, val_wins, device, hw=False)
            hist.append({"step": step, "ce": float(ce), "kd": float(kd), "val_loss_hw": hv, "val_loss_fp32": fv, "t_s": time.time() - t0})
            log(f"  step {step} ce {float(ce):.4f} kd {float(kd):.4f} val hw {hv:.4f} (ppl {math.exp(hv):.2f}) fp32 {fv:.4f} (ppl {math.exp(fv):.2f}) t {time.time()-t0:.0f}s")
            if hv < best[0]:
                best = (hv, {n: p.detach().cpu().clone() for n, p in student.state_dict().items()}, step)
            if time.time() - t0 > args.time_cap_s:
                log(f"  time cap reached at step {step}")
                break

    state = best[1]
    with safe_open(os.path.join(src, "model.safetensors"), "pt") as f:
        keys = list(f.keys())
    out_t = {}
    for k in keys:
        out_t[k] = state[k].contiguous().float()
    for n in names:
        out_t[f"{n}.input_range"] = state[f"{n}.input_range"].abs().reshape(1).float()
    dst = os.path.join(args.stage, DST)
    os.makedirs(dst, exist_ok=True)
    save_file(out_t, os.path.join(dst, "model.safetensors"), metadata={"format": "pt"})
    for fn in ("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "heldout.txt", "LICENSE-WordNet.txt"):
        shutil.copy(os.path.join(src, fn), os.path.join(dst, fn))
    with open(os.path.join(dst, "train_log.json"), "w") as f:
        json.dump(
            {
                "script": "models/scripts/train_afm.py",
                "from": SRC,
                "seed": SEED,
                "args": vars(args),
                "constants": {"tile_rows": TILE_ROWS, "out_bound": OUT_BOUND, "w_noise": W_NOISE, "out_noise": OUT_NOISE, "clip_sigma": CLIP_SIGMA, "init_quantile": INIT_QUANTILE},
                "start": {"val_loss_fp32": fp32_val0, "val_loss_hw_after_clip": hw_val0},
                "best_step": best[2],
                "best_val_loss_hw": best[0],
                "steps_done": step,
                "history": hist,
                "input_ranges": {n: float(state[f"{n}.input_range"].abs()) for n in names},
                "versions": {"torch": torch.__version__},
            },
            f,
            indent=1,
        )
    log(f"saved {dst} (best step {best[2]}, hardware val loss {best[0]:.4f})")


if __name__ == "__main__":
    main()
