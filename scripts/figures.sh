#!/usr/bin/env bash
# Figures and tables of docs/results.md from docs/results/metrics.csv (called by results.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
OUT="${OUT:-$here/runs/results}"
DOCS="${DOCS:-$here/docs/results}"
PY="python3 $here/scripts/tb_results.py"
JAR="$OUT/tensorbasis.jar"; [ -f "$JAR" ] || JAR="$here/target/tensorbasis.jar"
TB() { java -Xmx2g -jar "$JAR" "$@"; }
M="$DOCS/metrics.csv"
P="$here/scripts/peers.csv"

curve() { # study title series...
  local study=$1 title=$2; shift 2
  grep -q "^${study%%_*}," "$M" 2>/dev/null || { echo "no $study rows yet"; return 0; }
  mkdir -p "$OUT/$study"
  $PY curves "$M" "$P" "${study%%_*}" "$OUT/$study/curves.csv" "$@"
  cp "$OUT/$study/curves.csv" "$DOCS/curves_$study.csv"
  TB report curves "$OUT/$study/curves.csv" -o "$DOCS/curves_$study.png" --title "$title"
}
curve monomer "water monomer: test %RMSE (last 200 frames) vs N" w128-e5:alpha:all w128-e5:mu:all w128:alpha:all w128:mu:all w32:alpha:all w32:mu:all linear-ridge:alpha:all linear-ridge:mu:all pytorch:alpha:all pytorch:mu:all
curve monomer_alpha_epochs "water monomer alpha: epochs before the head refit" w128-e5:alpha:all w128-e20:alpha:all w128:alpha:all
curve beta "water monomer beta (rank 3): test %RMSE vs N" w128-e5:beta:all w128-e5:beta:L1+ w128-e5:beta:L3+ w128-e20:beta:all w128:beta:all
curve dimer "water dimer: test %RMSE vs N" w128-e5:alpha:all w128-e5:mu:all w128-e20:alpha:all w128-e20:mu:all w128:alpha:all w128:mu:all pytorch:alpha:all pytorch:mu:all
curve qm7x "QM7-X CHNO: test %RMSE (last 20 molecules) vs N" w128-e5:alpha:all w128-e5:mu:all w128-e20:alpha:all w128-e20:mu:all w128:alpha:all w128:mu:all pytorch:alpha:all pytorch:mu:all
curve bulk "bulk water epsilon (96-atom boxes): test %RMSE vs N" w128:epsilon:all w128:epsilon:L0+ w128:epsilon:L2+ w128-e5:epsilon:all w128-e5-alpha:alpha:all pytorch:epsilon:all
if [ -f "$DOCS/per_element.csv" ]; then
  $PY curves "$DOCS/per_element.csv" "$P" nmr "$OUT/nmr/curves.csv" w128-e5:"ms[H]":all w128-e5:"ms[C]":all w128-e5:"ms[N]":all w128-e5:"ms[O]":all w128-e5:"ms[S]":all w128:"ms[H]":all w128:"ms[C]":all linear-ridge:"ms[H]":all linear-ridge:"ms[C]":all
  cp "$OUT/nmr/curves.csv" "$DOCS/curves_nmr.csv"
  TB report curves "$OUT/nmr/curves.csv" -o "$DOCS/curves_nmr.png" --title "CSD-S546 shielding per element: test %RMSE vs N (crystals)"
fi

# parity plots of the largest training set of each study
# (the best configuration of each study in docs/results.md)
for sc in monomer:w128-e5 beta:w128-e5 dimer:w128 qm7x:w128 bulk:w128 nmr:w128-e5; do
  study=${sc%%:*}; c=${sc##*:}; [ -d "$OUT/$study/$c" ] || c=w128
  d=$( (ls -d "$OUT/$study/$c/n"* 2>/dev/null || true) | awk -F/n '{print $NF" "$0}' | sort -n | tail -1 | cut -d' ' -f2)
  [ -n "$d" ] && [ -f "$d/metrics.json" ] || continue
  for png in "$d"/plots/*.png; do cp "$png" "$DOCS/parity_${study}_$(basename "$png")"; done
done
$PY table "$M" > "$DOCS/table.md"
echo "figures and table written to $DOCS"

# which test frames carry the error (extrapolation at the edge of the pool); kept as it is when no study's predictions
# are at hand (a machine that ran only some studies)
{
  for r in monomer/w128-e5/n800:alpha monomer/w128-e5/n800:mu monomer/w128/n800:alpha beta/w128/n800:beta beta/w128-e5/n800:beta; do
    f="$OUT/${r%%:*}/pred.xyz"; [ -f "$f" ] && $PY worst "$f" "${r##*:}" | sed "s|$OUT/||"
  done
} > "$DOCS/.worst_frames.txt.tmp" || true
if [ -s "$DOCS/.worst_frames.txt.tmp" ]; then mv -f "$DOCS/.worst_frames.txt.tmp" "$DOCS/worst_frames.txt"; else rm -f "$DOCS/.worst_frames.txt.tmp"; fi
