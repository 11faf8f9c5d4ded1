#!/usr/bin/env bash
# The runners' GPU check in one go: torchvision Mask R-CNN through the runner,
# three repeats, on a machine with an NVIDIA GPU and PyTorch installed.
#
#   tools/gpu-check.sh [OUTDIR] [extra runners.run arguments]
#
# The runner prints, for every run, its own window timing (from line arrival
# times) beside the training script's CUDA-synchronised one, warns when they
# differ by more than 1%, and records the result under
# data/maskrcnn-training/results/.  This script also copies what came out
# (the new result file, its gzipped log, the runner's output and
# nvidia-smi's report) flat into OUTDIR (default: $OUT, for a lent machine
# whose working tree is a copy, or gpu-check-out), so the result can be
# unpacked into data/ where the docs are built.
#
# Runs with the first of $PYTHON, python3 that has torch; needs pyyaml and
# packaging beside it, nothing else (no Sphinx).  Exit status: the runner's.
set -u -o pipefail
cd "$(dirname "$0")/.."

out=${1:-${OUT:-gpu-check-out}}
shift $(( $# > 0 ? 1 : 0 ))
py=${PYTHON:-python3}
mkdir -p "$out"

{ nvidia-smi; nvidia-smi topo -m; } >"$out/nvidia-smi.txt" 2>&1
"$py" -c 'import sys, torch, torchvision, yaml, packaging
print(sys.version.split()[0], "torch", torch.__version__, "torchvision", torchvision.__version__,
      "cuda", torch.version.cuda, "available", torch.cuda.is_available())' || exit 2

marker=$(mktemp)
trap 'rm -f "$marker"' EXIT
PYTHONUNBUFFERED=1 "$py" -m runners.run maskrcnn-training torchvision --repeat 3 "$@" 2>&1 | tee "$out/runner.log"
status=${PIPESTATUS[0]}

find data -newer "$marker" -type f \( -name '*.yaml' -o -name '*.log.gz' \) -print0 |
    while IFS= read -r -d '' f; do cp "$f" "$out/"; echo "copied $f"; done
exit "$status"
