#!/usr/bin/python3
"""Throughput of tensorbasis.Model.predict from Python against `tensorbasis eval`.

    PYTHONPATH=python /usr/bin/python3 scripts/bench-python.py MODEL.tbm [N=10000]

Replicates the frames of data/water-monomer-200 to N molecules, writes them to an extended-XYZ file
for `tensorbasis eval` (which prints its prediction time, JVM start and file reading excluded), and
times Model.predict on the same list of ase.Atoms (JVM start and model loading excluded; the
conversion Atoms → flat arrays → numpy included). Prints both, best of --repeat runs.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import ase.io

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "python"))
import tensorbasis  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("n", type=int, nargs="?", default=10000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(REPO, "data", "water-monomer-200", "water_monomer_200.xyz"))
    a = ap.parse_args()
    base = ase.io.read(a.data, ":")
    frames = [base[k % len(base)].copy() for k in range(a.n)]
    atoms = sum(len(f) for f in frames)
    with tempfile.TemporaryDirectory() as d:
        data = os.path.join(d, "frames.xyz")
        ase.io.write(data, frames, format="extxyz")
        best_eval = None
        for _ in range(a.repeat):
            r = subprocess.run(["java", "-jar", tensorbasis.find_jar(), "eval", a.model, data], capture_output=True, text=True, check=True)
            m = re.search(r"predicted (\d+) structures in ([0-9.]+) s", r.stdout)
            s = float(m.group(2))
            best_eval = s if best_eval is None else min(best_eval, s)
    model = tensorbasis.Model(a.model)
    times = []  # the first call is as cold (JIT) as eval's single call; later ones are warm
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        model.predict(frames)
        times.append(time.perf_counter() - t0)
    first_py, best_py = times[0], min(times)
    print(f"{a.n} structures, {atoms} atoms, best of {a.repeat}")
    print(f"tensorbasis eval (prediction only): {best_eval:.3f} s  ({a.n / best_eval:.0f} structures/s, {atoms / best_eval:.0f} atoms/s)")
    print(f"python Model.predict, first call:   {first_py:.3f} s  ({a.n / first_py:.0f} structures/s, {atoms / first_py:.0f} atoms/s)")
    print(f"python Model.predict, best:         {best_py:.3f} s  ({a.n / best_py:.0f} structures/s, {atoms / best_py:.0f} atoms/s)")
    print(f"ratio python / eval: first call {first_py / best_eval:.2f}, best {best_py / best_eval:.2f}")


if __name__ == "__main__":
    main()
