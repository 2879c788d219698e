#!/usr/bin/env python3
"""Extra RANDOM-weight checkpoints for forward-pass exactness tests of family variants the shared fixtures
(test/fixtures/checkpoints/) do not cover. Never for accuracy claims.

  bitnet               BitNetForCausalLM (attn_sub_norm, ffn_sub_norm, relu2, tied) with BitNet b1.58 online
                       quantisation applied as transformers' integrations/bitnet.py AutoBitLinear(online) does:
                       WeightQuant on every nn.Linear but lm_head, ActQuant on its input
  opt-postln-proj      OPT-350m layout: do_layer_norm_before=False, word_embed_proj_dim != hidden (project_in/out)
  phi3-window-partial  Phi-3 with sliding_window=5 and partial_rotary_factor=0.5
  gpt2-gelu-invscale   GPT-2 with exact-erf "gelu" and scale_attn_by_inverse_layer_idx=True
  llama-bias-headdim   Llama with attention_bias, mlp_bias, tied embeddings, head_dim * heads != hidden

Each <out>/<name>/ holds config.json + model.safetensors (save_pretrained), reference/inputs.json (2 x 16 ids),
reference/logits.safetensors ("logits" F32 [2, 16, vocab]; from the checkpoint loaded back, fp32, eager, CPU)
and reference/versions.json. Weights: each model's initialiser with initializer_range 0.2, then N(0, 0.1) added to
every 1-D tensor so norms and biases matter.

Usage: python3 test/numerics/forward-hf-fixtures/make_fixtures.py <out>
"""
import json
import os
import platform
import sys

import torch
import transformers
from safetensors.torch import save_file

VOCAB, SEQS, LEN, STD = 512, 2, 16, 0.2


def act_quant(x):
    # transformers/integrations/bitnet.py ActQuant.forward
    s = 127 / x.abs().max(dim=-1, keepdim=True).values.clamp_(min=1e-5)
    return (x * s).round().clamp(-128, 127) / s


def bitnet_online(model):
    for name, mod in model.named_modules():
        if isinstance(mod, torch.nn.Linear) and not name.endswith("lm_head"):
            # transformers/integrations/bitnet.py WeightQuant.forward
            w = mod.weight.data.float()
            s = 1.0 / w.abs().mean().clamp_(min=1e-5)
            mod.weight.data = (w * s).round().clamp(-1, 1) / s
            mod.register_forward_pre_hook(lambda m, args: (act_quant(args[0]),))


def specs():
    from transformers import (BitNetConfig, BitNetForCausalLM, GPT2Config, GPT2LMHeadModel, LlamaConfig,
                              LlamaForCausalLM, OPTConfig, OPTForCausalLM, Phi3Config, Phi3ForCausalLM)
    common = dict(vocab_size=VOCAB, initializer_range=STD)
    bitnet = BitNetConfig(**common, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                          num_key_value_heads=2, max_position_embeddings=64, rms_norm_eps=1e-5, hidden_act="relu2",
                          tie_word_embeddings=True, pad_token_id=None, bos_token_id=1, eos_token_id=2)
    opt = OPTConfig(vocab_size=VOCAB, hidden_size=64, ffn_dim=128, num_hidden_layers=2, num_attention_heads=4,
                    max_position_embeddings=64, word_embed_proj_dim=32, do_layer_norm_before=False,
                    activation_function="relu", dropout=0.0, attention_dropout=0.0, layerdrop=0.0, enable_bias=True,
                    init_std=STD, pad_token_id=1, bos_token_id=2, eos_token_id=2, tie_word_embeddings=True)
    phi3 = Phi3Config(**common, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                      num_key_value_heads=2, max_position_embeddings=64, original_max_position_embeddings=64,
                      rms_norm_eps=1e-5, resid_pdrop=0.0, embd_pdrop=0.0, attention_dropout=0.0, pad_token_id=None,
                      bos_token_id=1, eos_token_id=2, tie_word_embeddings=False, sliding_window=5,
                      partial_rotary_factor=0.5)
    gpt2 = GPT2Config(**common, n_positions=64, n_embd=64, n_layer=2, n_head=4, n_inner=128,
                      activation_function="gelu", resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
                      layer_norm_epsilon=1e-5, scale_attn_by_inverse_layer_idx=True, bos_token_id=VOCAB - 1,
                      eos_token_id=VOCAB - 1, tie_word_embeddings=True)
    llama = LlamaConfig(**common, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
                        num_key_value_heads=2, head_dim=8, max_position_embeddings=64, rms_norm_eps=1e-5,
                        attention_bias=True, mlp_bias=True, tie_word_embeddings=True, pad_token_id=None,
                        bos_token_id=1, eos_token_id=2)
    return [("bitnet", BitNetForCausalLM, bitnet, bitnet_online), ("opt-postln-proj", OPTForCausalLM, opt, None),
            ("phi3-window-partial", Phi3ForCausalLM, phi3, None), ("gpt2-gelu-invscale", GPT2LMHeadModel, gpt2, None),
            ("llama-bias-headdim", LlamaForCausalLM, llama, None)]


def main():
    out = sys.argv[1]
    ok = True
    for i, (name, cls, cfg, hook) in enumerate(specs()):
        try:
            torch.manual_seed(4243 + i)
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
            if hook:
                hook(m2)
            g = torch.Generator().manual_seed(4242)
            seqs = torch.randint(0, VOCAB, (SEQS, LEN), generator=g)
            with torch.no_grad():
                logits = m2(seqs).logits.float().contiguous()
            save_file({"logits": logits}, os.path.join(d, "reference", "logits.safetensors"))
            with open(os.path.join(d, "reference", "inputs.json"), "w") as f:
                json.dump({"sequences": seqs.tolist()}, f)
            with open(os.path.join(d, "reference", "versions.json"), "w") as f:
                json.dump({"purpose": "forward-pass exactness fixture; RANDOM weights", "class": cls.__name__,
                           "torch": torch.__version__, "transformers": transformers.__version__,
                           "python": platform.python_version(), "device": "cpu", "dtype": "float32",
                           "attn_implementation": "eager", "bitnet_online_quant": hook is not None,
                           "state_dict_keys": sorted(m2.state_dict().keys()),
                           "logits_absmax": float(logits.abs().max())}, f, indent=1)
            print(name, "ok", tuple(logits.shape), float(logits.abs().max()))
        except Exception as e:  # keep going: one family failing must not lose the others
            ok = False
            print(name, "FAILED", type(e).__name__, e)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
