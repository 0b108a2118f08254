#!/usr/bin/env python3
"""Helpers of scripts/results.sh (python3 standard library only).

  slice IN OUT START STOP            frames START..STOP-1 of an extended-XYZ file
  subset IN OUT N SEED               N frames drawn by a seeded shuffle of IN (prefixes of one
                                     permutation, so the training sets of a curve are nested)
  exclude IN OUT NAMES_FILE          drop the frames whose name=... is listed in NAMES_FILE
  collect CSV DATASET CONFIG N SECONDS MODEL METRICS_JSON
                                     append one row per metric of an eval --metrics file
  per_element PRED_XYZ KEY CSV DATASET CONFIG N SECONDS MODEL
                                     per-element %RMSE of a per-atom rank-2 target (all
                                     components and the λ = 0, 1, 2 parts) from eval -o output
  element_mean POOL TEST KEY CSV DATASET
                                     the per-element mean baseline of a per-atom rank-2 target:
                                     the mean tensor of each element over POOL predicts TEST
                                     (the global mean for elements absent from POOL)
  peer_split TRAIN TEST OUT_XYZ OUT_JSON SEED
                                     one file TRAIN + TEST for the PyTorch peer and its --split-file:
                                     train / val = a seeded 90 / 10 split of TRAIN's frames (the
                                     fraction tensorbasis validates on), test = TEST's frames
  folds IN OUT_PREFIX K SEED         K cross-validation folds of IN (a seeded shuffle dealt round-robin):
                                     OUT_PREFIX<k>_train.xyz (the other folds) and OUT_PREFIX<k>_test.xyz
  cv_pool CSV_OUT CONFIG LOG...      pool the test rows of the per-fold train logs (each target's RMSE
                                     over all held-out structures, and %RMSE against the pooled std)
                                     into one row per target of CSV_OUT
  cv_best CSV TARGET                 the config of a cv_pool CSV with the lowest CV RMSE of TARGET
  axial IN OUT KEY                   IN with two more per-atom columns from the rank-2 KEY: ax (its
                                     axial vector a_k = ε_kij T_ij / 2 in the spherical order y, z, x)
                                     and axn = |a| (an invariant: how learnable the block's size is)
  bootstrap PRED_XYZ KEY [DRAWS]     the axial-block %RMSE of a per-atom rank-2 KEY (or of a 3-column
                                     axial vector KEY) from eval -o output, and its 90 % interval when
                                     the structures are resampled (seeded bootstrap); the structures
                                     that carry the most squared error
  bootstrap_target PRED_XYZ KEY [DRAWS]
                                     the %RMSE of a per-structure KEY (all components) from eval -o
                                     output and its 90 % interval when the structures are resampled
  peer_collect CSV DATASET CONFIG N SECONDS TARGET SUMMARY_JSON
                                     append the test rows of a peer `train --summary` file (all
                                     components; λ = 0 / 1 / 2 of rank-2 targets as blocks L0+ ...)
"""
import json, math, os, random, sys


def frames(path):
    with open(path) as f:
        while True:
            line = f.readline()
            if not line:
                return
            if not line.strip():
                continue
            n = int(line.split()[0])
            block = [line, f.readline()] + [f.readline() for _ in range(n)]
            yield block


def comment_value(comment, key):
    # key=value or key="..." on the comment line
    i = comment.find(key + "=")
    while i > 0 and not comment[i - 1].isspace():
        i = comment.find(key + "=", i + 1)
    if i < 0:
        return None
    v = comment[i + len(key) + 1:]
    if v.startswith('"'):
        return v[1:v.index('"', 1)]
    return v.split()[0]


def cmd_slice(src, dst, start, stop):
    fr = list(frames(src))[int(start):int(stop)]
    with open(dst, "w") as f:
        for b in fr:
            f.writelines(b)
    print(f"{dst}: {len(fr)} frames")


def cmd_subset(src, dst, n, seed):
    fr = list(frames(src))
    idx = list(range(len(fr)))
    random.Random(int(seed)).shuffle(idx)
    idx = idx[:int(n)]
    with open(dst, "w") as f:
        for i in idx:
            f.writelines(fr[i])
    print(f"{dst}: {len(idx)} frames")


def cmd_exclude(src, dst, names_file):
    names = set()
    for line in open(names_file):
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(line.split()[0])
    kept = dropped = 0
    with open(dst, "w") as f:
        for b in frames(src):
            if comment_value(b[1], "name") in names:
                dropped += 1
                continue
            kept += 1
            f.writelines(b)
    print(f"{dst}: {kept} frames kept, {dropped} flagged frames dropped")


HEADER = "dataset,config,n_train,target,block,rows,rmse,std,percent_rmse,train_seconds,model_bytes\n"


def append_rows(csv, rows):
    new = not os.path.exists(csv)
    with open(csv, "a") as f:
        if new:
            f.write(HEADER)
        for r in rows:
            f.write(",".join(str(x) for x in r) + "\n")


def cmd_collect(csv, dataset, config, n, seconds, model, metrics):
    m = json.load(open(metrics))
    size = os.path.getsize(model)
    rows = []
    for e in m["metrics"]:
        if "element" in e:  # per-element rows of per-atom targets: see per_element
            continue
        name = e["name"]
        block = name.split(":", 1)[1] if ":" in name else "all"
        pr = e["percent_rmse"]
        rows.append((dataset, config, n, e["target"], block, e["rows"], repr(e["rmse"]), repr(e["std"]),
                     "nan" if pr is None else repr(pr), seconds, size))
    append_rows(csv, rows)


def parse_properties(comment):
    props = comment_value(comment, "Properties").split(":")
    cols, c = {}, 0
    for i in range(0, len(props), 3):
        w = int(props[i + 2])
        cols[props[i]] = (c, w)
        c += w
    return cols


def parts(t):
    """λ = 0, 1, 2 parts of a 3×3 row-major tensor as flat lists whose squared norms equal the
    squared norms of the orthonormal spherical components."""
    tr = (t[0] + t[4] + t[8]) / 3.0
    iso = [tr * math.sqrt(3.0)]
    anti = [(t[3 * i + j] - t[3 * j + i]) / 2.0 for i in range(3) for j in range(3)]
    sym = [(t[3 * i + j] + t[3 * j + i]) / 2.0 - (tr if i == j else 0.0) for i in range(3) for j in range(3)]
    return {"all": list(t), "L0": iso, "L1": anti, "L2": sym}


WIDTH = {"all": 9, "L0": 1, "L1": 3, "L2": 5}


def cmd_per_element(pred, key, csv, dataset, config, n, seconds, model):
    data = {}  # (element, part) -> list of (ref parts, pred parts)
    for b in frames(pred):
        cols = parse_properties(b[1])
        ck, w = cols[key]
        cp, _ = cols[key + "_pred"]
        cs, _ = cols["species"]
        for line in b[2:]:
            f = line.split()
            el = f[cs]
            y = [float(x) for x in f[ck:ck + 9]]
            p = [float(x) for x in f[cp:cp + 9]]
            data.setdefault(el, []).append((parts(y), parts(p)))
    size = os.path.getsize(model)
    rows = []
    for el in sorted(data):
        items = data[el]
        for part in ("all", "L0", "L1", "L2"):
            k = len(items[0][0][part])
            mean = [sum(it[0][part][c] for it in items) / len(items) for c in range(k)]
            var = sum(sum((it[0][part][c] - mean[c]) ** 2 for c in range(k)) for it in items) / len(items)
            sq = sum(sum((it[1][part][c] - it[0][part][c]) ** 2 for c in range(k)) for it in items) / len(items)
            std = math.sqrt(var / WIDTH[part])
            rmse = math.sqrt(sq / WIDTH[part])
            pr = 100 * rmse / std if std > 0 else float("nan")
            rows.append((dataset, config, n, f"{key}[{el}]", part, len(items), repr(rmse), repr(std), repr(pr), seconds, size))
    append_rows(csv, rows)
    for r in rows:
        print(f"  {r[3]:>8} {r[4]:>4} rows {r[5]:>6}  RMSE {float(r[6]):.4g}  %RMSE {float(r[8]):.3f}")




def atom_tensors(path, key):
    for b in frames(path):
        cols = parse_properties(b[1])
        ck, _ = cols[key]
        cs, _ = cols["species"]
        for line in b[2:]:
            f = line.split()
            yield f[cs], [float(x) for x in f[ck:ck + 9]]


def cmd_axial(src, dst, key):
    with open(dst, "w") as f:
        for b in frames(src):
            comment = b[1]
            ck, _ = parse_properties(comment)[key]
            props = comment_value(comment, "Properties")
            f.write(b[0])
            f.write(comment.replace("Properties=" + props, "Properties=" + props + ":axn:R:1:ax:R:3", 1))
            for line in b[2:]:
                t = [float(x) for x in line.split()[ck:ck + 9]]
                a = [(t[5] - t[7]) / 2.0, (t[6] - t[2]) / 2.0, (t[1] - t[3]) / 2.0]  # (x, y, z)
                n = math.sqrt(sum(x * x for x in a))
                f.write(line.rstrip("\n") + f" {n:.10g} {a[1]:.10g} {a[2]:.10g} {a[0]:.10g}\n")
    print(f"{dst}: axial parts of {key}")


def cmd_element_mean(pool, test, key, csv, dataset):
    sums, counts, total = {}, {}, [0.0] * 9
    n = 0
    for el, y in atom_tensors(pool, key):
        s = sums.setdefault(el, [0.0] * 9)
        for c in range(9):
            s[c] += y[c]
            total[c] += y[c]
        counts[el] = counts.get(el, 0) + 1
        n += 1
    mean = {el: [v / counts[el] for v in s] for el, s in sums.items()}
    glob = [v / n for v in total]
    items = [(parts(y), parts(mean.get(el, glob))) for el, y in atom_tensors(test, key)]
    rows = []
    for part in ("all", "L0", "L1", "L2"):
        k = len(items[0][0][part])
        m = [sum(it[0][part][c] for it in items) / len(items) for c in range(k)]
        var = sum(sum((it[0][part][c] - m[c]) ** 2 for c in range(k)) for it in items) / len(items)
        sq = sum(sum((it[1][part][c] - it[0][part][c]) ** 2 for c in range(k)) for it in items) / len(items)
        std, rmse = math.sqrt(var / WIDTH[part]), math.sqrt(sq / WIDTH[part])
        block = {"all": "all", "L0": "L0+", "L1": "L1-", "L2": "L2+"}[part]
        rows.append((dataset, "element-mean", n, key, block, len(items), repr(rmse), repr(std), repr(100 * rmse / std), 0, 0))
        print(f"  element-mean {block:>4}: %RMSE {100 * rmse / std:.3f}")
    append_rows(csv, rows)


def read_csv(path):
    rows = []
    with open(path) as f:
        head = None
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if head is None:
                head = line.split(",")
                continue
            rows.append(dict(zip(head, line.split(","))))
    return rows


def cmd_peer_split(train, test, out_xyz, out_json, seed):
    n_train = sum(1 for _ in frames(train))
    n_test = sum(1 for _ in frames(test))
    with open(out_xyz, "w") as out:
        for src in (train, test):
            with open(src) as f:
                out.write(f.read())
    idx = list(range(n_train))
    random.Random(int(seed)).shuffle(idx)
    n_val = max(1, round(0.1 * n_train))
    split = {"train": sorted(idx[n_val:]), "val": sorted(idx[:n_val]),
             "test": list(range(n_train, n_train + n_test))}
    with open(out_json, "w") as f:
        json.dump(split, f)
    print(f"{out_xyz}: {n_train} + {n_test} frames; split {len(split['train'])} / {n_val} / {n_test}")


def cmd_peer_collect(csv, dataset, config, n, seconds, target, summary):
    t = json.load(open(summary))["summary"]["test"]
    rows = [(dataset, config, n, target, "all", "nan", repr(t["rmse"]), repr(t["std_percomp"]),
             repr(t["pct_rmse_percomp_std"]), seconds, 0)]
    for lam, block in ((0, "L0+"), (1, "L1-"), (2, "L2+")):
        pr = t.get(f"pct_rmse_l{lam}")
        if pr is not None and pr == pr:  # NaN: the block vanishes (symmetric tensors have no λ = 1)
            rows.append((dataset, config, n, target, block, "nan", repr(t[f"rmse_l{lam}"]), repr(t[f"std_l{lam}"]),
                         repr(pr), seconds, 0))
    append_rows(csv, rows)
    print(f"  peer {target}: test %RMSE {t['pct_rmse_percomp_std']:.4g}")


def cmd_curves(metrics_csv, peers_csv, study, out_csv, *series):
    """Long-form curve CSV for `tensorbasis report curves`: each SERIES is config:target:block
    (block 'all' = all Cartesian components); per-element rows use target 'ms[H]' etc."""
    rows = read_csv(metrics_csv)
    with open(out_csv, "w") as f:
        f.write("series,x,y,kind\n")
        for spec in series:
            config, target, block = spec.split(":")
            label = f"{target}" + ("" if block == "all" else f" {block}") + f" ({config})"
            for r in rows:
                if r["dataset"] == study and r["config"] == config and r["target"] == target and r["block"] == block:
                    f.write(f"{label},{r['n_train']},{r['percent_rmse']},model\n")
        for p in read_csv(peers_csv):
            if p["study"] == study:
                f.write(f"{p['target']} {p['series']},{p['n']},{p['percent_rmse']},peer\n")


def cmd_table(metrics_csv, *studies):
    """Markdown table: one row per (study, config, N, target, block)."""
    rows = read_csv(metrics_csv)
    print("| study | config | N | target | block | test %RMSE | test RMSE | train s | model kB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if studies and r["dataset"] not in studies:
            continue
        print(f"| {r['dataset']} | {r['config']} | {r['n_train']} | {r['target']} | {r['block']} | "
              f"{float(r['percent_rmse']):.3g} | {float(r['rmse']):.3g} | {r['train_seconds']} | {int(r['model_bytes']) / 1000:.0f} |")


def cmd_summary(metrics_csv, study, configs, targets):
    """Markdown table: rows N, columns config × target (block 'all'), test %RMSE; then the train
    time. configs and targets are comma-separated."""
    rows = read_csv(metrics_csv)
    configs, targets = configs.split(","), targets.split(",")
    val, secs = {}, {}
    for r in rows:
        if r["dataset"] == study and r["block"] == "all":
            val[(r["config"], r["target"], int(r["n_train"]))] = float(r["percent_rmse"])
            secs[(r["config"], int(r["n_train"]))] = r["train_seconds"]
    ns = sorted({k[2] for k in val if k[0] in configs})
    head = ["N"] + [f"{t} {c}" for c in configs for t in targets] + [f"train s {c}" for c in configs]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for n in ns:
        cells = [str(n)]
        for c in configs:
            for t in targets:
                v = val.get((c, t, n))
                cells.append("—" if v is None else f"{v:.3g}")
        for c in configs:
            cells.append(secs.get((c, n), "—"))
        print("| " + " | ".join(cells) + " |")


def cmd_blocks(metrics_csv, study, config, n):
    """Markdown table: every target and block of one run (test %RMSE, RMSE, std)."""
    rows = read_csv(metrics_csv)
    print("| target | block | test %RMSE | RMSE | std(ref) |")
    print("|---|---|---|---|---|")
    for r in rows:
        if r["dataset"] == study and r["config"] == config and r["n_train"] == str(n):
            print(f"| {r['target']} | {r['block']} | {float(r['percent_rmse']):.3g} | {float(r['rmse']):.3g} | {float(r['std']):.3g} |")


def cmd_worst(pred, key, top="4"):
    """Share of the squared test error carried by the worst frames of a per-structure target (and,
    for 3-atom water frames, their O-H distances)."""
    errs = []
    for i, b in enumerate(frames(pred)):
        y = [float(x) for x in comment_value(b[1], key).split()]
        p = [float(x) for x in comment_value(b[1], key + "_pred").split()]
        pos = [[float(v) for v in l.split()[1:4]] for l in b[2:]]
        oh = [math.dist(pos[0], pos[k]) for k in (1, 2)] if len(pos) == 3 else []
        errs.append((sum((a - c) ** 2 for a, c in zip(y, p)), i, oh))
    tot = sum(e[0] for e in errs)
    errs.sort(reverse=True)
    print(f"{pred} ({key}):")
    for e in errs[:int(top)]:
        oh = ", O-H " + " ".join(f"{x:.3f}" for x in e[2]) + " A" if e[2] else ""
        print(f"  test frame {e[1]}: {100 * e[0] / tot:.1f} % of the squared error{oh}")
    rest = math.sqrt(sum(e[0] for e in errs[2:]) / tot) if tot > 0 else float("nan")
    print(f"  RMSE without the worst 2 frames: {rest:.3f} x the RMSE")


def cmd_elements(per_element_csv, study, configs_ns):
    """Markdown table of per-element %RMSE (all, L0, L1, L2) for config@N,config@N,..."""
    rows = read_csv(per_element_csv)
    runs = [c.split("@") for c in configs_ns.split(",")]
    print("| config | N (crystals) | element | test atoms | all | λ=0 | λ=1 (σ=−1) | λ=2 |")
    print("|---|---|---|---|---|---|---|---|")
    for c, n in runs:
        sel = [r for r in rows if r["dataset"] == study and r["config"] == c and r["n_train"] == n]
        for el in sorted({r["target"] for r in sel}, key=lambda t: "HCNOS".find(t[-2])):
            v = {r["block"]: r for r in sel if r["target"] == el}
            if "all" not in v:
                continue
            print(f"| {c} | {n} | {el[-2]} | {v['all']['rows']} | " + " | ".join(
                f"{float(v[b]['percent_rmse']):.3g}" if b in v else "—" for b in ("all", "L0", "L1", "L2")) + " |")



def axial_rows(path, key):
    """Per structure: (name, [(target a, predicted a)] per atom) of the axial part of KEY (9 columns) or KEY itself (3)."""
    for b in frames(path):
        cols = parse_properties(b[1])
        ck, nk = cols[key]
        cp, _ = cols[key + "_pred"]
        cs, _ = cols["species"]
        formula = {}
        rows = []
        for line in b[2:]:
            f = line.split()
            formula[f[cs]] = formula.get(f[cs], 0) + 1
            t, p = [float(x) for x in f[ck:ck + nk]], [float(x) for x in f[cp:cp + nk]]
            if nk == 9:  # the axial vector of a rank-2 tensor (any fixed order of its components: the norms are what count)
                t = [(t[5] - t[7]) / 2.0, (t[6] - t[2]) / 2.0, (t[1] - t[3]) / 2.0]
                p = [(p[5] - p[7]) / 2.0, (p[6] - p[2]) / 2.0, (p[1] - p[3]) / 2.0]
            rows.append((t, p))
        yield "".join(f"{e}{n if n > 1 else ''}" for e, n in sorted(formula.items())), rows


def cmd_bootstrap(pred, key, draws="5000"):
    names, err2, ys = [], [], []
    for name, rows in axial_rows(pred, key):
        names.append(name)
        err2.append(sum((p[k] - t[k]) ** 2 for t, p in rows for k in range(3)))
        ys.append([t for t, _ in rows])
    n_atoms = sum(len(y) for y in ys)
    mean = [sum(t[k] for y in ys for t in y) / n_atoms for k in range(3)]
    var = [sum((t[k] - mean[k]) ** 2 for t in y for k in range(3)) for y in ys]
    pct = lambda idx: 100.0 * math.sqrt(sum(err2[i] for i in idx) / sum(var[i] for i in idx))
    n = len(names)
    full = pct(range(n))
    rng = random.Random(0)
    boot = sorted(pct([rng.randrange(n) for _ in range(n)]) for _ in range(int(draws)))
    lo, mid, hi = boot[int(0.05 * len(boot))], boot[len(boot) // 2], boot[int(0.95 * len(boot)) - 1]
    total = sum(err2)
    top = sorted(range(n), key=lambda i: -err2[i])[:6]
    print(f"{pred}: axial %RMSE {full:.1f}; bootstrap over {n} structures ({draws} draws): median {mid:.1f}, 90 % interval {lo:.1f}-{hi:.1f}")
    print("  largest shares of the squared error: " + ", ".join(f"{i} {names[i]} {err2[i] / total:.3f}" for i in top))


def cmd_bootstrap_target(pred, key, draws="5000"):
    """%RMSE of a per-structure KEY (all its components, as eval computes it) from eval -o output, and its 90 % interval
    when the test structures are resampled (seeded bootstrap): how far a test number measured on few structures can move."""
    ys, ps = [], []
    for b in frames(pred):
        t, p = comment_value(b[1], key), comment_value(b[1], key + "_pred")
        if t is None or p is None:
            raise SystemExit(f"{pred}: a frame lacks {key} or {key}_pred")
        ys.append([float(x) for x in t.split()])
        ps.append([float(x) for x in p.split()])
    n, w = len(ys), len(ys[0])

    def pct(idx):
        m = [sum(ys[i][k] for i in idx) / len(idx) for k in range(w)]
        var = sum((ys[i][k] - m[k]) ** 2 for i in idx for k in range(w))
        err = sum((ps[i][k] - ys[i][k]) ** 2 for i in idx for k in range(w))
        return 100.0 * math.sqrt(err / var) if var > 0 else float("nan")

    full = pct(range(n))
    rng = random.Random(0)
    boot = sorted(pct([rng.randrange(n) for _ in range(n)]) for _ in range(int(draws)))
    lo, mid, hi = boot[int(0.05 * len(boot))], boot[len(boot) // 2], boot[int(0.95 * len(boot)) - 1]
    print(f"{pred}: {key} %RMSE {full:.1f}; bootstrap over {n} structures ({draws} draws): median {mid:.1f}, 90 % interval {lo:.1f}-{hi:.1f}")


def cmd_folds(src, prefix, k, seed):
    fr = list(frames(src))
    idx = list(range(len(fr)))
    random.Random(int(seed)).shuffle(idx)
    k = int(k)
    for f in range(k):
        held = set(idx[f::k])
        with open(f"{prefix}{f}_train.xyz", "w") as a, open(f"{prefix}{f}_test.xyz", "w") as b:
            for i, fb in enumerate(fr):
                (b if i in held else a).writelines(fb)
    print(f"{prefix}*: {k} folds of {len(fr)} frames")


def cmd_cv_pool(csv_out, config, *logs):
    # the "test" table of a train log: rows "  <target>  rows  RMSE  MAE  std(ref)  %RMSE ..."
    acc = {}
    for log in logs:
        lines = open(log).read().splitlines()
        start = max(i for i, l in enumerate(lines) if l.startswith("test metrics"))
        for l in lines[start + 1:]:
            f = l.split()
            if len(f) < 6 or f[0] == "target" or "[" in f[0] or ":" in f[0]:
                if l.startswith("test %RMSE"):
                    break
                continue
            n, rmse, std = int(f[1]), float(f[2]), float(f[4])
            a = acc.setdefault(f[0], [0, 0.0, 0.0])
            a[0] += n; a[1] += n * rmse * rmse; a[2] += n * std * std
    new = not os.path.exists(csv_out)
    with open(csv_out, "a") as out:
        if new:
            out.write("config,target,rows,cv_rmse,cv_percent_rmse\n")
        for t, (n, se, sv) in acc.items():
            out.write(f"{config},{t},{n},{math.sqrt(se / n):.6g},{100 * math.sqrt(se / sv):.4f}\n")
            print(f"  {config} {t}: CV RMSE {math.sqrt(se / n):.5g} ({100 * math.sqrt(se / sv):.2f} %) over {n} rows")


def cmd_cv_best(csv, target):
    rows = [r for r in read_csv(csv) if r["target"] == target]
    print(min(rows, key=lambda r: float(r["cv_rmse"]))["config"])

if __name__ == "__main__":
    cmd = sys.argv[1]
    globals()["cmd_" + cmd](*sys.argv[2:])
