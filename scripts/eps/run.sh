#!/usr/bin/env bash
# The ε∞ study of docs/results.md ("Dielectric tensor ε∞ of the 64-element set"): trains every options file
# named on the command line (default: the four linear_ridge ones, ridge-*.yaml), evaluates it on the held-out
# test split of that run (seed 1, test fraction 0.1, written by TestSplit.java) and prints one table row each.
#
#   scripts/eps/run.sh [NAME ...]     # NAME: ridge-sum ridge-intensive ridge-log ridge-log-intensive mcov-...
#
# Outputs: runs/eps/<NAME>/ (model, train log, predictions, metrics.json, robust.json). A run whose
# metrics.json exists is not trained again (its robust.json is recomputed). Heap: TENSORBASIS_JAVA_OPTS (default -Xmx6g).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
OUT="$here/runs/eps"
mkdir -p "$OUT"
DATA="$here/../shared/data/phonon-bec-eps/phonon_becs_epsilon.xyz"
[ -f "$DATA" ] || { echo "no $DATA" >&2; exit 1; }
mvn -B -q -DskipTests package
cp target/tensorbasis.jar "$OUT/.jar.tmp" && mv -f "$OUT/.jar.tmp" "$OUT/tensorbasis.jar"
TB() { java ${TENSORBASIS_JAVA_OPTS:--Xmx6g} -jar "$OUT/tensorbasis.jar" "$@"; }
[ -f "$OUT/test.xyz" ] || java -cp "$OUT/tensorbasis.jar" scripts/eps/TestSplit.java "$DATA" 1 0.1 "$OUT/test.xyz"
# the trivial reference: the median isotropic ε of the training + validation crystals for every test crystal
if [ ! -f "$OUT/constant/robust.json" ]; then
  mkdir -p "$OUT/constant"
  python3 scripts/eps/constant.py "$DATA" "$OUT/test.xyz" "$OUT/constant/pred.xyz"
  python3 scripts/eps/robust.py "$OUT/constant/pred.xyz" eps > "$OUT/constant/robust.json"
fi
echo "constant: $(cat "$OUT/constant/robust.json")"
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(ridge-sum ridge-intensive ridge-log ridge-log-intensive)
for n in "${names[@]}"; do
  d="$OUT/$n"
  if [ -f "$d/metrics.json" ]; then python3 scripts/eps/robust.py "$d/pred.xyz" eps > "$d/robust.json"; echo "$n: done already"; continue; fi
  mkdir -p "$d"
  t0=$(date +%s)
  TB train "scripts/eps/$n.yaml" -o "$d/m.tbm" > "$d/train.log" 2>&1
  t1=$(date +%s)
  echo $((t1 - t0)) > "$d/train_seconds"
  TB eval "$d/m.tbm" "$OUT/test.xyz" -o "$d/pred.xyz" --metrics "$d/metrics.json" > "$d/eval.log" 2>&1
  python3 scripts/eps/robust.py "$d/pred.xyz" eps > "$d/robust.json"
  echo "$n: $(cat "$d/robust.json") train $((t1 - t0)) s"
done
python3 - "$OUT" "${names[@]}" <<'PY'
import json, os, sys
out = sys.argv[1]
print("| run | %RMSE all | λ = 0 | λ = 2 | MdRE ε (%) | P90 RE ε (%) | MdRE ε̄ (%) | not PD | train (s) |")
print("|---|---|---|---|---|---|---|---|---|")
for n in sys.argv[2:]:
    d = os.path.join(out, n)
    if not os.path.exists(os.path.join(d, "robust.json")):
        continue
    m = {x["name"]: x for x in json.load(open(os.path.join(d, "metrics.json")))["metrics"]}
    r = json.load(open(os.path.join(d, "robust.json")))
    s = open(os.path.join(d, "train_seconds")).read().strip()
    print(f"| {n} | {m['eps']['percent_rmse']:.1f} | {m['eps:L0+']['percent_rmse']:.1f} | {m['eps:L2+']['percent_rmse']:.1f} | "
          f"{r['mdre_tensor_pct']:.1f} | {r['p90_re_tensor_pct']:.1f} | {r['mdre_iso_pct']:.1f} | {r['not_pd']} | {s} |")
PY
