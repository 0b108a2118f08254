#!/usr/bin/env bash
# The model-only and end-to-end eval stages of ../shared/peers/side-by-side.sh, with tensorbasis in float64 (its default)
# and in float32 (--precision float32), against the PyTorch implementation (float32, its default) in the same run.
# Run from the project root after `mvn -B -q -DskipTests package`, on a quiet machine, twice (docs/performance.md).
#   scripts/side-by-side-float32.sh [FILE]   (default: ../shared/data/qm7x-chns-alpha/qm7x_reduced_100.xyz)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${TB_SHARED:-$root/../shared}"
ref="$shared/peers/pytorch-reference/ref.py"
data="$shared/data"
file="${1:-$data/qm7x-chns-alpha/qm7x_reduced_100.xyz}"
TB="$root/bin/tensorbasis"
PY=python3
for p in $(type -ap python3) /usr/bin/python3; do "$p" -c 'import torch, ase' 2>/dev/null && { PY=$p; break; }; done
"$PY" -c 'import torch, ase' 2>/dev/null || { echo "no python3 with torch and ase (apt-get install -y python3-torch python3-ase python3-scipy)" >&2; exit 2; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
last() { tail -1 | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["atoms_per_s_median"])'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PY" "$ref" bench --data "$file" --target polarizability --summary "$tmp/ref.json" >"$tmp/ref.log" 2>&1
r_model=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["infer_model_only_atoms_per_s"])' "$tmp/ref.json")
t64=$("$TB" bench model "$file" 2>/dev/null | last)
t32=$("$TB" bench model "$file" --precision float32 2>/dev/null | last)

head -n $((100 * 98)) "$data/bulk-water-dielectric/water_bulk_1000.xyz" > "$tmp/bulk100.xyz"
printf 'seed: 0\ntraining_set: bulk100.xyz\nvalidation_set: 0.1\ntest_set: 0\ntargets:\n  epsilon: {symmetric: true}\nmodel:\n  bpnn: {num_neurons_per_layer: 32}\ntraining: {epochs: 1}\n' > "$tmp/opts.yaml"
(cd "$tmp" && "$TB" train opts.yaml -o tb.tbm >tb-train.log 2>&1) || { echo "tensorbasis train failed: $(tail -1 "$tmp/tb-train.log")" >&2; exit 1; }
"$PY" "$ref" train --data "$tmp/bulk100.xyz" --target polarizability --key epsilon --rank2 sym --epochs 1 --out "$tmp/ref.pt" >"$tmp/ref-train.log" 2>&1 || { echo "reference train failed" >&2; exit 1; }
(cd "$tmp" && "$TB" eval tb.tbm bulk100.xyz -o warm.xyz >/dev/null 2>&1) # the first eval of a build writes the class-data archive
atoms=9600
timed() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); "$PY" -c "print($atoms/($e-$s))"; }
e64=$(cd "$tmp" && timed "$TB" eval tb.tbm bulk100.xyz -o p64.xyz)
e32=$(cd "$tmp" && timed "$TB" eval tb.tbm bulk100.xyz -o p32.xyz --precision float32)
r_eval=$(timed "$PY" "$ref" eval --model "$tmp/ref.pt" --data "$tmp/bulk100.xyz" --out "$tmp/ref-pred.npz")

"$PY" - "$t64" "$t32" "$r_model" "$e64" "$e32" "$r_eval" <<'PYEOF'
import json, sys
t64, t32, rm, e64, e32, re = map(float, sys.argv[1:])
out = {"model_float64": round(t64 / rm, 2), "model_float32": round(t32 / rm, 2), "eval_float64": round(e64 / re, 2), "eval_float32": round(e32 / re, 2)}
print(f"model  float64 {t64:12,.0f}  float32 {t32:12,.0f}  peer {rm:12,.0f} atoms/s   ratios {t64 / rm:5.1f}x {t32 / rm:5.1f}x")
print(f"eval   float64 {e64:12,.0f}  float32 {e32:12,.0f}  peer {re:12,.0f} atoms/s   ratios {e64 / re:5.1f}x {e32 / re:5.1f}x")
print(json.dumps(out))
PYEOF
