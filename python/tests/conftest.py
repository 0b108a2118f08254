"""Fixtures: two small models trained once per session (λ-MCoV on water molecules with a per-atom
target, linear ridge on synthetic periodic boxes), and the CLI's predictions for their data."""

import io
import os
import shutil
import subprocess

import numpy as np
import pytest

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WATER40 = os.path.join(REPO, "src", "test", "resources", "fixtures", "lambda-mcov-v1", "water40.xyz")
BULK_WATER = "/work/shared/data/bulk-water-dielectric/water_bulk_1000.xyz"


def jar():
    return os.environ.get("TENSORBASIS_JAR") or os.path.join(REPO, "target", "tensorbasis.jar")


def pytest_sessionstart(session):
    if not os.path.isfile(jar()):
        raise pytest.UsageError(f"{jar()} is missing: build it first with 'mvn -B -q -DskipTests package'")


def run_eval(model, data, out):
    """`tensorbasis eval MODEL DATA -o OUT` with the jar, as a user would run it."""
    r = subprocess.run(["java", "-jar", jar(), "eval", str(model), str(data), "-o", str(out)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


WATER_OPTIONS = """\
seed: 3
threads: 2
training_set: water40.xyz
validation_set: 0.2
test_set: 0.0
targets:
  mu: {unit: "a.u."}
  alpha: {unit: "a.u."}
  sig: {per_atom: true, symmetric: false, unit: "ppm"}
model: {soap: {max_radial: 2, max_angular: 2}, bpnn: {num_neurons_per_layer: 8}}
training: {epochs: 2}
"""


@pytest.fixture(scope="session")
def water(tmp_path_factory):
    """λ-MCoV model with mu, alpha and a per-atom general 3×3 target (sig), and its data."""
    import tensorbasis
    d = tmp_path_factory.mktemp("water")
    shutil.copy(WATER40, d / "water40.xyz")
    (d / "options.yaml").write_text(WATER_OPTIONS)
    log = io.StringIO()
    model = tensorbasis.train(d / "options.yaml", d / "model.tbm", stream=log)
    assert model is not None
    return {"dir": d, "model_file": d / "model.tbm", "data": d / "water40.xyz", "log": log.getvalue()}


def synthetic_boxes(n_frames=24, seed=5):
    """Random periodic O/H boxes (triclinic, 7–8 Å) with an exactly equivariant per-structure
    symmetric 3×3 target `eps` and per-atom vector `q`, both built from minimum-image pair vectors."""
    import ase
    from ase.neighborlist import neighbor_list
    rng = np.random.default_rng(seed)
    frames = []
    while len(frames) < n_frames:
        cell = np.diag(rng.uniform(7.0, 8.0, 3)) + rng.uniform(-0.4, 0.4, (3, 3)) * (1 - np.eye(3))
        n = 12
        frac = rng.uniform(0, 1, (n, 3))
        atoms = ase.Atoms(numbers=[8] * 4 + [1] * 8, scaled_positions=frac, cell=cell, pbc=True)
        i, j, dvec = neighbor_list("ijD", atoms, 4.0)
        dist = np.linalg.norm(dvec, axis=1)
        if dist.min() < 0.9:
            continue
        w = np.exp(-dist)
        eps = np.eye(3) + 0.05 * np.einsum("p,pa,pb->ab", w, dvec, dvec)
        q = np.zeros((n, 3))
        np.add.at(q, i, (w * atoms.numbers[j])[:, None] * dvec)
        atoms.info["eps"] = eps.reshape(9)
        atoms.arrays["q"] = q
        frames.append(atoms)
    return frames


RIDGE_OPTIONS = """\
seed: 1
training_set: boxes.xyz
validation_set: 0.25
test_set: 0.0
targets:
  eps: {unit: "1"}
  q: {per_atom: true, unit: "e"}
model: {architecture: linear_ridge, soap: {cutoff: 3.5, max_radial: 2, max_angular: 2}}
"""


@pytest.fixture(scope="session")
def boxes(tmp_path_factory):
    """Linear ridge model on synthetic periodic boxes, and the boxes."""
    import ase.io
    import tensorbasis
    d = tmp_path_factory.mktemp("boxes")
    ase.io.write(d / "boxes.xyz", synthetic_boxes(), format="extxyz")
    (d / "options.yaml").write_text(RIDGE_OPTIONS)
    model = tensorbasis.train(d / "options.yaml", d / "model.tbm", stream=io.StringIO())
    assert model is not None
    return {"dir": d, "model_file": d / "model.tbm", "data": d / "boxes.xyz"}


def random_rotation(rng, proper=True):
    q, r = np.linalg.qr(rng.normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    if np.linalg.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return q if proper else -q
