"""ASE side of the extended-XYZ conformance tests (io.AseConformanceTest).

  write DIR           writes DIR/ase.extxyz with ase.io.write(format='extxyz') and dumps what ASE
                      reads back from it to DIR/ase_read.json
  retarget SRC DST N  writes the first N frames of SRC to DST with their alpha as a 3x3 info
                      array T (the file of the issue, for cli.AseTargetCliTest)
  check FILE EXPECTED reads FILE with ASE and compares every frame with EXPECTED (a dump written by
                      the Java test); prints one JSON verdict {"ok", "frames", "fields", "mismatches"}

A dump is a list of frames: numbers, positions, cell (9 numbers, lattice vectors row by row, or
null), pbc, info and arrays as {key: {"kind": real|int|bool|string, "shape": [...], "values": [...]}}
with values flat in row-major order and floats as exact hex strings (float.hex). info holds
atoms.info plus the per-frame calculator results ASE moved out of it (stress back as the 3x3 it
was in the file), arrays holds atoms.arrays (without numbers and positions) plus per-atom results.
"""
import json
import sys

import numpy as np
import ase
import ase.io
from ase.calculators.singlepoint import SinglePointCalculator
from ase.stress import voigt_6_to_full_3x3_stress


def field(value):
    if isinstance(value, (bool, np.bool_)):
        a = np.array(bool(value))
    elif isinstance(value, str):
        a = np.array(value, dtype=object)
    else:
        a = np.asarray(value)
    k = a.dtype.kind
    if k == 'b':
        kind, values = 'bool', [bool(x) for x in a.ravel()]
    elif k in 'iu':
        kind, values = 'int', [int(x) for x in a.ravel()]
    elif k == 'f':
        kind, values = 'real', [float(x).hex() for x in a.ravel()]
    else:
        kind, values = 'string', [str(x) for x in a.ravel()]
    return {'kind': kind, 'shape': list(a.shape), 'values': values}


def dump(atoms):
    info = {k: field(v) for k, v in atoms.info.items()}
    arrays = {k: field(v) for k, v in atoms.arrays.items() if k not in ('numbers', 'positions')}
    if atoms.calc is not None:
        for k, v in atoms.calc.results.items():
            v = np.asarray(v)
            if k == 'stress' and v.shape == (6,):
                v = voigt_6_to_full_3x3_stress(v)
            per_atom = v.ndim >= 1 and v.shape[0] == len(atoms) and k in ('forces', 'stresses', 'charges', 'magmoms', 'energies')
            (arrays if per_atom else info).setdefault(k, field(v))
    cell = None if not atoms.cell.any() else [float(x).hex() for x in np.asarray(atoms.cell).ravel()]
    return {'numbers': [int(z) for z in atoms.numbers],
            'positions': [float(x).hex() for x in atoms.positions.ravel()],
            'cell': cell, 'pbc': [bool(p) for p in atoms.pbc], 'info': info, 'arrays': arrays}


def fixtures():
    rng = np.random.default_rng(7)
    mol = ase.Atoms('OH2', positions=[[0.0, 0.0, 0.1173], [0.0, 0.7572, -0.4692], [0.0, -0.7572, -0.4692]])
    mol.info.update({
        'n_int': 5, 'x_float': 1.5, 'tiny': 1.2345678901234567e-05, 'flag': True, 'off': False,
        'name': 'water molecule', 'word': 'hello', 'uid': '0042',
        'mu': rng.normal(size=3), 'ids': np.array([1, 2, 3]), 'mask': np.array([True, False, True]),
        'T': rng.normal(size=(3, 3)), 'T_int': np.arange(9).reshape(3, 3), 'rect': rng.normal(size=(2, 4)),
        'virial': rng.normal(size=(3, 3)), 'REF_energy': -76.4, 'REF_dipole': rng.normal(size=3),
        'REF_stress': rng.normal(size=(3, 3)), 'one': np.array([2.5]), 'lst': [1.0, 2.5, -3.0],
        'strs': ['a', 'b c'], 'looks_numeric': '123',
    })
    mol.new_array('vec', rng.normal(size=(3, 3)))
    mol.new_array('tensor', rng.normal(size=(3, 9)))
    mol.new_array('count', np.array([1, 2, 3]))
    mol.new_array('fixed', np.array([True, False, True]))
    mol.new_array('label', np.array(['o', 'h1', 'h2']))

    bulk = ase.Atoms('Si2', scaled_positions=[[0, 0, 0], [0.25, 0.25, 0.25]],
                     cell=[[0.0, 2.715, 2.715], [2.715, 0.0, 2.715], [2.715, 2.715, 0.1]], pbc=True)
    bulk.positions += rng.normal(scale=0.01, size=(2, 3))
    bulk.info['config_type'] = 'bulk'
    bulk.calc = SinglePointCalculator(bulk, energy=-10.75, forces=rng.normal(size=(2, 3)),
                                      stress=rng.normal(size=6), dipole=rng.normal(size=3))

    slab = ase.Atoms('Cu2', positions=[[0, 0, 0], [1.2, 1.3, 1.9]], cell=[[2.5, 0, 0], [1.25, 2.2, 0], [0, 0, 20.0]],
                     pbc=[True, True, False])
    slab.info['T'] = rng.normal(size=(3, 3))
    return [mol, bulk, slab]


def exact(hexes):
    """Hex strings (Python's or Java's spelling) as floats: equal iff bit-identical (0.0 and -0.0 differ)."""
    return None if hexes is None else [(float.fromhex(x), str(float.fromhex(x))) for x in hexes]


def compare(a, b, where, out):
    for key in ('numbers', 'positions', 'cell', 'pbc'):
        if (exact(a[key]) != exact(b[key])) if key in ('positions', 'cell') else a[key] != b[key]:
            out.append('%s: %s differs: ASE %s, expected %s' % (where, key, a[key], b[key]))
    for part in ('info', 'arrays'):
        if set(a[part]) != set(b[part]):
            out.append('%s: %s keys differ: ASE %s, expected %s' % (where, part, sorted(a[part]), sorted(b[part])))
        for k in sorted(set(a[part]) & set(b[part])):
            fa, fb = a[part][k], b[part][k]
            for attr in ('kind', 'shape', 'values'):
                va, vb = fa[attr], fb[attr]
                if attr == 'values' and fa['kind'] == 'real' == fb['kind']:
                    va, vb = exact(va), exact(vb)
                if va != vb:
                    out.append('%s: %s[%s] %s differs: ASE %s, expected %s' % (where, part, k, attr, fa[attr], fb[attr]))


def main():
    if sys.argv[1] == 'write':
        d = sys.argv[2]
        ase.io.write(d + '/ase.extxyz', fixtures(), format='extxyz')
        read = ase.io.read(d + '/ase.extxyz', index=':', format='extxyz')
        with open(d + '/ase_read.json', 'w') as f:
            json.dump({'ase': ase.__version__, 'frames': [dump(a) for a in read]}, f)
        print(json.dumps({'ok': True, 'frames': len(read)}))
    elif sys.argv[1] == 'check':
        with open(sys.argv[3]) as f:
            expected = json.load(f)
        try:
            read = ase.io.read(sys.argv[2], index=':', format='extxyz')
        except Exception as e:  # ASE cannot read the file at all
            print(json.dumps({'ok': False, 'frames': 0, 'fields': 0, 'mismatches': ['ASE cannot read it: %r' % e]}))
            return
        got = [dump(a) for a in read]
        mismatches = []
        if len(got) != len(expected):
            mismatches.append('ASE reads %d frames, expected %d' % (len(got), len(expected)))
        fields = 0
        for i, (a, b) in enumerate(zip(got, expected)):
            compare(a, b, 'frame %d' % i, mismatches)
            fields += len(a['info']) + len(a['arrays'])
        print(json.dumps({'ok': not mismatches, 'frames': len(got), 'fields': fields, 'mismatches': mismatches}))
    elif sys.argv[1] == 'retarget':
        # the file: each frame's 9 alpha numbers as a 3x3 array in atoms.info['T'] (ASE writes _JSON [[...], ...])
        frames = ase.io.read(sys.argv[2], index=':%d' % int(sys.argv[4]), format='extxyz')
        out = []
        for a in frames:
            b = ase.Atoms(a.numbers, positions=a.positions, pbc=False)
            b.info['T'] = np.asarray(a.info['alpha'], dtype=float).reshape(3, 3)
            b.info['mu'] = np.asarray(a.info['mu'], dtype=float)
            out.append(b)
        ase.io.write(sys.argv[3], out, format='extxyz')
        print(json.dumps({'ok': True, 'frames': len(out)}))
    else:
        raise SystemExit('usage: ase_conformance.py write DIR | check FILE EXPECTED | retarget SRC DST N')


if __name__ == '__main__':
    main()
