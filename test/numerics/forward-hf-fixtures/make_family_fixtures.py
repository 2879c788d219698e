#!/usr/bin/env python3
"""RANDOM-weight checkpoints of the families added by issue 16, for forward-pass exactness tests (never for
accuracy claims), plus config.json-only folders of MoE families (shape import only).

  qwen2        Qwen2ForCausalLM: q/k/v bias (no o_proj bias), tied embeddings
  qwen3        Qwen3ForCausalLM: per-head q_norm/k_norm RMSNorm before RoPE, head_dim x heads != hidden, tied
  mistral      MistralForCausalLM: sliding_window 5 over 16-token inputs, untied
  phi4-mini    Phi3ForCausalLM as Phi-4-mini: partial_rotary_factor 0.75, tied embeddings
  gemma2       Gemma2ForCausalLM: alternating sliding/global layers, attention and final logit soft-capping,
               query_pre_attn_scalar, (1 + w) RMSNorms incl. pre/post feed-forward norms, sqrt(hidden) embed scale
  gemma3       Gemma3ForCausalLM (text): as Gemma-2 plus q/k norms and a local RoPE base for sliding layers
  mixtral-config, qwen2-moe-config, olmoe-config: config.json only

Each checkpoint folder: config.json + model.safetensors (save_pretrained), reference/inputs.json (2 x 16 ids),
reference/logits.safetensors ("logits" F32 [2, 16, vocab]; from the checkpoint loaded back, fp32, eager, CPU),
reference/versions.json. Weights: initializer_range 0.2, then N(0, 0.1) added to every 1-D tensor.

Usage: python3 test/numerics/forward-hf-fixtures/make_family_fixtures.py <out>
"""
import json
import os
import platform
import sys

import torch
import transformers
from safetensors.torch import save_file

VOCAB, SEQS, LEN, STD = 512, 2, 16, 0.2


def specs():
    import transformers as T
    common = dict(vocab_size=VOCAB, initializer_range=STD, hidden_size=64, intermediate_size=128,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-5,
                  pad_token_id=None, bos_token_id=1, eos_token_id=2)
    out = []
    out.append(("qwen2", "Qwen2ForCausalLM", lambda: T.Qwen2Config(**common, num_hidden_layers=2, use_sliding_window=False,
                                                                    tie_word_embeddings=True)))
    out.append(("qwen3", "Qwen3ForCausalLM", lambda: T.Qwen3Config(**common, num_hidden_layers=2, head_dim=8,
                                                                    attention_bias=False, use_sliding_window=False,
                                                                    tie_word_embeddings=True)))
    out.append(("mistral", "MistralForCausalLM", lambda: T.MistralConfig(**common, num_hidden_layers=2, sliding_window=5,
                                                                          tie_word_embeddings=False)))
    out.append(("phi4-mini", "Phi3ForCausalLM", lambda: T.Phi3Config(**common, num_hidden_layers=2,
                                                                      original_max_position_embeddings=64,
                                                                      partial_rotary_factor=0.75, resid_pdrop=0.0,
                                                                      embd_pdrop=0.0, attention_dropout=0.0,
                                                                      tie_word_embeddings=True, sliding_window=None)))
    g = dict(common, head_dim=16, hidden_activation="gelu_pytorch_tanh", query_pre_attn_scalar=12,
             sliding_window=5, tie_word_embeddings=True)
    g["rms_norm_eps"] = 1e-6
    out.append(("gemma2", "Gemma2ForCausalLM", lambda: T.Gemma2Config(**g, num_hidden_layers=3,
                                                                       attn_logit_softcapping=20.0,
                                                                       final_logit_softcapping=15.0)))
    def gemma3():
        kw = dict(g, num_hidden_layers=3, layer_types=["sliding_attention", "full_attention", "sliding_attention"],
                  final_logit_softcapping=None, attn_logit_softcapping=None)
        try:
            return T.Gemma3TextConfig(**kw, rope_theta=1000000.0, rope_local_base_freq=10000.0)
        except TypeError:
            return T.Gemma3TextConfig(**kw)
    out.append(("gemma3", "Gemma3ForCausalLM", gemma3))
    return out


def moe_configs():
    import transformers as T
    common = dict(vocab_size=VOCAB, hidden_size=64, num_attention_heads=4, num_key_value_heads=2,
                  max_position_embeddings=64, num_hidden_layers=2)
    return [("mixtral-config", lambda: T.MixtralConfig(**common, intermediate_size=96, num_local_experts=8,
                                                        num_experts_per_tok=2)),
            ("qwen2-moe-config", lambda: T.Qwen2MoeConfig(**common, intermediate_size=128, moe_intermediate_size=32,
                                                           shared_expert_intermediate_size=64, num_experts=8,
                                                           num_experts_per_tok=2)),
            ("olmoe-config", lambda: T.OlmoeConfig(**common, intermediate_size=32, num_experts=8,
                                                   num_experts_per_tok=2))]


def main():
    out = sys.argv[1]
    ok = True
    for i, (name, clsname, mk) in enumerate(specs()):
        try:
            cls = getattr(transformers, clsname)
            cfg = mk()
            torch.manual_seed(5243 + i)
            cfg._attn_implementation = "eager"
            model = cls(cfg).eval()
            with torch.no_grad():
                for p in model.parameters():
                    if p.dim() == 1:
                        p.add_(torch.randn_like(p) * 0.1)
            d = os.path.join(out, name)
            os.makedirs(os.path.join(d, "reference"), exist_ok=True)
            model.save_pretrained(d)
            m2 = cls.from_pretrained(d, dtype=torch.float32, attn_implementation="eager").eval()
            g = torch.Generator().manual_seed(4242)
            seqs = torch.randint(0, VOCAB, (SEQS, LEN), generator=g)
            with torch.no_grad():
                logits = m2(seqs).logits.float().contiguous()
            save_file({"logits": logits}, os.path.join(d, "reference", "logits.safetensors"))
            with open(os.path.join(d, "reference", "inputs.json"), "w") as f:
                json.dump({"sequences": seqs.tolist()}, f)
            with open(os.path.join(d, "reference", "versions.json"), "w") as f:
                json.dump({"purpose": "forward-pass exactness fixture; RANDOM weights", "class": clsname,
                           "torch": torch.__version__, "transformers": transformers.__version__,
                           "python": platform.python_version(), "device": "cpu", "dtype": "float32",
                           "attn_implementation": "eager", "state_dict_keys": sorted(m2.state_dict().keys()),
                           "logits_absmax": float(logits.abs().max())}, f, indent=1)
            print(name, "ok", tuple(logits.shape), float(logits.abs().max()), flush=True)
        except Exception as e:  # one family failing must not lose the others
            ok = False
            print(name, "FAILED", type(e).__name__, e, flush=True)
    for name, mk in moe_configs():
        try:
            d = os.path.join(out, name)
            os.makedirs(d, exist_ok=True)
            mk().to_json_file(os.path.join(d, "config.json"))
            print(name, "ok", flush=True)
        except Exception as e:
            ok = False
            print(name, "FAILED", type(e).__name__, e, flush=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
