#!/usr/bin/env python3
"""Robust errors of per-structure rank-2 predictions (python3 standard library only).

    robust.py PRED.xyz [KEY]      # KEY defaults to eps; reads KEY and KEY_pred of every frame

Prints one JSON line: n, the median relative tensor error 100·‖ε̂ − ε‖_F / ‖ε‖_F (MdRE, %), its 90th
percentile, the median relative error of the isotropic part ε̄ = tr ε / 3 (%), the number of predictions
that are not positive definite (Sylvester's criterion on the symmetric part: an unphysical ε), and the
%RMSE of all 9 components (100·RMSE/std, as the project's Metrics) for cross-checking with eval's numbers.
"""
import json
import math
import re
import sys


def numbers(comment, key):
    m = re.search(r'(?:^|\s)' + re.escape(key) + r'=("(?:[^"\\]|\\.)*"|\S+)', comment)
    if not m:
        raise SystemExit(f"no {key} in a frame")
    v = m.group(1).strip('"')
    if v.startswith('_JSON'):
        flat = []
        def walk(x):
            if isinstance(x, list):
                for y in x:
                    walk(y)
            else:
                flat.append(float(x))
        walk(json.loads(v[5:].replace('\\"', '"')))
        return flat
    return [float(x) for x in v.split()]


def frames(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        n = int(lines[i])
        yield lines[i + 1]
        i += n + 2


def quantile(xs, q):
    xs = sorted(xs)
    pos = q * (len(xs) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def positive_definite(m):
    a = [[0.5 * (m[3 * i + j] + m[3 * j + i]) for j in range(3)] for i in range(3)]
    d1 = a[0][0]
    d2 = a[0][0] * a[1][1] - a[0][1] * a[1][0]
    d3 = (a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
          + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]))
    return d1 > 0 and d2 > 0 and d3 > 0


def main():
    path = sys.argv[1]
    key = sys.argv[2] if len(sys.argv) > 2 else 'eps'
    ref, pred = [], []
    for c in frames(path):
        ref.append(numbers(c, key))
        pred.append(numbers(c, key + '_pred'))
    rel = [100 * math.sqrt(sum((p - r) ** 2 for p, r in zip(pp, rr))) / math.sqrt(sum(r * r for r in rr)) for pp, rr in zip(pred, ref)]
    iso = [100 * abs((pp[0] + pp[4] + pp[8]) - (rr[0] + rr[4] + rr[8])) / (rr[0] + rr[4] + rr[8]) for pp, rr in zip(pred, ref)]
    n = len(ref)
    se = sum((p - r) ** 2 for pp, rr in zip(pred, ref) for p, r in zip(pp, rr))
    var = 0.0
    for c in range(9):
        mean = sum(rr[c] for rr in ref) / n
        var += sum((rr[c] - mean) ** 2 for rr in ref) / n
    prmse = 100 * math.sqrt(se / (9 * n)) / math.sqrt(var / 9)
    print(json.dumps({'n': n, 'mdre_tensor_pct': round(quantile(rel, 0.5), 3), 'p90_re_tensor_pct': round(quantile(rel, 0.9), 3),
                      'mdre_iso_pct': round(quantile(iso, 0.5), 3), 'not_pd': sum(not positive_definite(p) for p in pred),
                      'pct_rmse_all': round(prmse, 3)}))


if __name__ == '__main__':
    main()
