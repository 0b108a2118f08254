#!/usr/bin/env python3
"""The trivial reference of the ε∞ study: every test crystal predicted as m·I, m the median of tr ε / 3 over the
training and validation crystals (the training file minus the test split). Writes TEST with eps_pred added.

    constant.py TRAINING.xyz TEST.xyz OUT.xyz
"""
import re
import sys


def frames(path):
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        n = int(lines[i])
        yield lines[i:i + n + 2]
        i += n + 2


def main():
    test = list(frames(sys.argv[2]))
    held_out = set(f[1] for f in test)
    iso = []
    for f in frames(sys.argv[1]):
        if f[1] in held_out:
            continue
        e = [float(x) for x in re.search(r'(?:^|\s)eps="([^"]*)"', f[1]).group(1).split()]
        iso.append((e[0] + e[4] + e[8]) / 3)
    iso.sort()
    n = len(iso)
    m = iso[n // 2] if n % 2 else 0.5 * (iso[n // 2 - 1] + iso[n // 2])
    with open(sys.argv[3], 'w', encoding='utf-8') as out:
        for f in test:
            out.write('\n'.join([f[0], f[1] + ' eps_pred="%r 0.0 0.0 0.0 %r 0.0 0.0 0.0 %r"' % (m, m, m)] + f[2:]) + '\n')
    print(f"median of {n} crystals: {m:.4f}")


if __name__ == '__main__':
    main()
