#!/usr/bin/env bash
# One device call: fixtures (CPU), then training + reference (GPU). Run from the repository root after
# `node models/scripts/make_corpus.mjs`; writes tars into $OUT (or ./out when OUT is unset).
set -uo pipefail
export PYTHONUNBUFFERED=1
OUT="${OUT:-$PWD/out}"; mkdir -p "$OUT"
S="$(mktemp -d)"
python3 -c "import sys,torch,transformers,tokenizers,safetensors;print(sys.version.split()[0],torch.__version__,transformers.__version__,tokenizers.__version__,safetensors.__version__,torch.cuda.get_device_name(0))"
command -v node || echo "no node"
python3 models/scripts/make_fixtures.py --stage "$S" 2>&1 | tee "$OUT/fixtures.log"; rc1=$?
[ -d "$S/test" ] && (cd "$S" && tar -cf "$OUT/fixtures.tar" test)
python3 models/scripts/train_tiny.py --data .aimcsim-cache/wordnet-corpus --stage "$S" "$@" 2>&1 | tee "$OUT/train.log"; rc2=$?
if [ -d "$S/models" ]; then
  (cd "$S" && tar -cf "$OUT/model.tar" --exclude=reference models/tiny-llama-wordnet)
  [ -d "$S/models/tiny-llama-wordnet/reference" ] && (cd "$S" && tar -cf "$OUT/ref.tar" models/tiny-llama-wordnet/reference)
fi
ls -la "$OUT"
echo "rc fixtures=$rc1 train=$rc2"
[ "$rc1" = 0 ] && [ "$rc2" = 0 ]
