#!/usr/bin/env python3
"""Tiny RANDOM-weight checkpoints for forward-pass exactness tests (never for accuracy claims).

Writes, under <stage>/test/fixtures/checkpoints/<name>/ for name in gpt2, opt, phi3, llama-rope-scaled:
  config.json, model.safetensors (float32)      what transformers' save_pretrained writes
  reference/inputs.json                         {"sequences": 2 x 16 token ids drawn with a fixed seed}
  reference/logits.safetensors                  tensor "logits", F32, [2, 16, vocab], from the saved
                                                checkpoint loaded back, float32, eager attention, on CPU
  reference/versions.json                       torch / transformers / safetensors versions, seeds, stats
Weights: each model's own initialiser with initializer_range (init_std for OPT) 0.2, ten times the usual,
then every 1-D tensor (norm weights, biases) gets N(0, 0.1) added so that norms and biases are not the
identity / zero and a reader that ignores them fails the check.

Usage: python3 models/scripts/make_fixtures.py --stage /tmp/stage
"""
import argparse
import json
import os
import platform

import torch

SEED = 4242
SEQS, LEN, VOCAB = 2, 16, 512
STD = 0.2
ONE_D_STD = 0.1


def specs():
    from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM, OPTConfig,
                              OPTForCausalLM, Phi3Config, Phi3ForCausalLM)

    gpt2 = GPT2Config(vocab_size=VOCAB, n_positions=64, n_embd=64, n_layer=2, n_head=4, n_inner=128,
                      activation_function="gelu_new", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                      layer_norm_epsilon=1e-5, initializer_range=STD, bos_token_id=VOCAB - 1,
                      eos_token_id=VOCAB - 1, tie_word_embeddings=True)
    opt = OPTConfig(vocab_size=VOCAB, hidden_size=64, ffn_dim=128, num_hidden_layers=2, num_attention_heads=4,
                    max_position_embeddings=64, word_embed_proj_dim=64, do_layer_norm_before=True,
                    activation_function="relu", dropout=0.0, attention_dropout=0.0, layerdrop=0.0,
                    enable_bias=True, init_std=STD, pad_token_id=1, bos_token_id=2, eos_token_id=2,
                    tie_word_embeddings=True)
    phi3 = Phi3Config(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                      original_max_position_embeddings=64, rms_norm_eps=1e-5, initializer_range=STD,
                      resid_pdrop=0.0, embd_pdrop=0.0, attention_dropout=0.0, pad_token_id=None,
                      bos_token_id=1, eos_token_id=2, tie_word_embeddings=False, sliding_window=None)
    rope = {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
            "original_max_position_embeddings": 64}
    llama_kw = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=2,
                    num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=512,
                    rms_norm_eps=1e-5, initializer_range=STD, tie_word_embeddings=False, pad_token_id=None,
                    bos_token_id=1, eos_token_id=2)
    if hasattr(LlamaConfig(), "rope_parameters"):  # transformers >= 5
        llama = LlamaConfig(**llama_kw, rope_parameters=dict(rope, rope_theta=500000.0))
    else:
        llama = LlamaConfig(**llama_kw, rope_scaling=rope, rope_theta=500000.0)
    return [("gpt2", GPT2LMHeadModel, gpt2), ("opt", OPTForCausalLM, opt), ("phi3", Phi3ForCausalLM, phi3),
            ("llama-rope-scaled", LlamaForCausalLM, llama)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stage", required=True)
    args = ap.parse_args()
    import safetensors
    import transformers
    from safetensors.torch import save_file

    torch.backends.cuda.matmul.allow_tf32 = False
    torch.set_float32_matmul_precision("highest")
    g = torch.Generator().manual_seed(SEED)
    seqs = torch.randint(0, VOCAB, (SEQS, LEN), generator=g)
    for i, (name, cls, cfg) in enumerate(specs()):
        d = os.path.join(args.stage, "test", "fixtures", "checkpoints", name)
        os.makedirs(os.path.join(d, "reference"), exist_ok=True)
        torch.manual_seed(SEED + 1 + i)
        model = cls(cfg).to(torch.float32).eval()
        with torch.no_grad():
            for n, p in model.named_parameters():
                if p.dim() == 1:
                    p.add_(torch.randn_like(p) * ONE_D_STD)
        try:
            model.save_pretrained(d, safe_serialization=True)
        except TypeError:
            model.save_pretrained(d)
        loaded = cls.from_pretrained(d, dtype=torch.float32, attn_implementation="eager").eval()
        # the saved file must reproduce the in-memory weights exactly
        sd0, sd1 = model.state_dict(), loaded.state_dict()
        for k in sd0:
            assert torch.equal(sd0[k], sd1[k]), f"{name}: {k} differs after reload"
        with torch.no_grad():
            logits = loaded(input_ids=seqs, attention_mask=torch.ones_like(seqs)).logits.float().contiguous()
        assert logits.shape == (SEQS, LEN, VOCAB)
        save_file({"logits": logits}, os.path.join(d, "reference", "logits.safetensors"))
        with open(os.path.join(d, "reference", "inputs.json"), "w") as f:
            json.dump({"sequences": seqs.tolist()}, f)
        extra = {}
        rot = getattr(getattr(loaded, "model", None), "rotary_emb", None)
        if rot is not None and hasattr(rot, "inv_freq"):
            extra["rope_inv_freq"] = rot.inv_freq.float().tolist()
            extra["rope_attention_scaling"] = float(getattr(rot, "attention_scaling", 1.0))
        info = {
            "purpose": "forward-pass exactness fixture; RANDOM weights, not a trained model",
            "class": cls.__name__,
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "safetensors": safetensors.__version__,
            "python": platform.python_version(),
            "device": "cpu",
            "dtype": "float32",
            "attn_implementation": "eager",
            "input_seed": SEED,
            "weight_seed": SEED + 1 + i,
            "initializer_std": STD,
            "one_d_noise_std": ONE_D_STD,
            "params": sum(p.numel() for p in loaded.parameters()),
            "state_dict_keys": sorted(sd1.keys()),
            "logits_std": float(logits.std()),
            "logits_absmax": float(logits.abs().max()),
            **extra,
        }
        with open(os.path.join(d, "reference", "versions.json"), "w") as f:
            json.dump(info, f, indent=1)
        print(name, "params", info["params"], "logits std", round(info["logits_std"], 4), "absmax",
              round(info["logits_absmax"], 4), flush=True)


if __name__ == "__main__":
    main()
