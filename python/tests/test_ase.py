"""The ASE calculator on a molecule and on periodic cells."""

import os

import ase
import ase.io
import numpy as np
import pytest

import tensorbasis
from tensorbasis.ase import TensorbasisCalculator
from conftest import BULK_WATER, random_rotation


def _rotated(atoms, R):
    b = atoms.copy()
    b.positions = atoms.positions @ R.T
    if atoms.pbc.any():
        b.cell = atoms.cell.array @ R.T
    return b


def test_molecule_dipole_and_every_target(water):
    atoms = ase.io.read(water["data"], "3")
    calc = TensorbasisCalculator(model=str(water["model_file"]))
    assert calc.dipole_target == "mu"
    assert set(calc.implemented_properties) == {"mu", "alpha", "sig", "dipole"}
    atoms.calc = calc
    direct = tensorbasis.Model(water["model_file"]).predict(atoms)
    np.testing.assert_array_equal(atoms.get_dipole_moment(), direct["mu"])
    assert calc.results["alpha"].shape == (3, 3) and calc.results["sig"].shape == (len(atoms), 3, 3)
    np.testing.assert_array_equal(calc.results["sig"], direct["sig"])
    np.testing.assert_array_equal(calc.get_property("alpha"), direct["alpha"])

    rng = np.random.default_rng(1)
    R = random_rotation(rng)
    b = _rotated(atoms, R)
    b.calc = calc
    np.testing.assert_allclose(b.get_dipole_moment(), R @ direct["mu"], atol=1e-10)
    np.testing.assert_allclose(calc.get_property("alpha", b), R @ direct["alpha"] @ R.T, atol=1e-10)
    np.testing.assert_allclose(calc.get_property("sig", b), R @ direct["sig"] @ R.T, atol=1e-10)


def test_dipole_option(water, boxes):
    m = tensorbasis.Model(water["model_file"])
    assert TensorbasisCalculator(model=m, dipole=False).implemented_properties == ["mu", "alpha", "sig"]
    with pytest.raises(ValueError, match="alpha"):
        TensorbasisCalculator(model=m, dipole="alpha")
    with pytest.raises(ValueError, match="nope"):
        TensorbasisCalculator(model=m, dipole="nope")
    # eps (3×3) and per-atom q: no dipole
    assert TensorbasisCalculator(model=str(boxes["model_file"])).dipole_target is None


def test_periodic_box_rotates_and_translates(boxes):
    frames = ase.io.read(boxes["data"], ":")
    calc = TensorbasisCalculator(model=str(boxes["model_file"]))
    atoms = frames[0]
    atoms.calc = calc
    eps = calc.get_property("eps", atoms)
    q = calc.get_property("q", atoms)
    assert eps.shape == (3, 3) and q.shape == (len(atoms), 3)
    rng = np.random.default_rng(2)
    for proper in (True, False):
        R = random_rotation(rng, proper)
        b = _rotated(atoms, R)
        np.testing.assert_allclose(calc.get_property("eps", b), R @ eps @ R.T, atol=1e-9)
        np.testing.assert_allclose(calc.get_property("q", b), q @ R.T, atol=1e-9)
    shifted = atoms.copy()
    shifted.positions += [3.3, -1.2, 0.7]
    shifted.wrap()
    np.testing.assert_allclose(calc.get_property("eps", shifted), eps, atol=1e-9)


@pytest.mark.skipif(not os.path.isfile(BULK_WATER), reason=f"{BULK_WATER} absent")
def test_bulk_water_frame(water):
    atoms = ase.io.read(BULK_WATER, "0")
    assert atoms.pbc.all()
    atoms.calc = TensorbasisCalculator(model=str(water["model_file"]))
    mu = atoms.get_dipole_moment()
    R = random_rotation(np.random.default_rng(3))
    b = _rotated(atoms, R)
    b.calc = atoms.calc
    np.testing.assert_allclose(b.get_dipole_moment(), R @ mu, atol=1e-8 * max(1, np.abs(mu).max()))
    np.testing.assert_allclose(b.calc.results["alpha"], R @ atoms.calc.get_property("alpha", atoms) @ R.T, atol=1e-8 * 100)
