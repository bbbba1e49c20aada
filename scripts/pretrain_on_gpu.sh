#!/usr/bin/env bash
# One-shot GPU pretraining run (used on a lent H200/H100; the same config runs on CPU, slower).
# Expects the packed blocks in .pretrain-data/ (made by `civicnlp pretrain --prepare-only`).
set -euo pipefail
export PYTHONUNBUFFERED=1 TQDM_MININTERVAL=20
OUT=${OUT:-out}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total --format=csv || true
PYTHONPATH=src python3 -m civicnlp pretrain --config configs/pretrain.json 2>&1 | tee "$OUT/log.txt"
cd models/civic-roberta-small
# The device returns files of at most 16 MB: ship the weights in parts, joined again locally.
split -b 15M model.safetensors "$OUT/model.safetensors.part-"
cp config.json pretrain_log.json "$OUT/"
