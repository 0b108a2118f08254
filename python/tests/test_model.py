"""tensorbasis.Model and tensorbasis.train against the command line."""

import os
import subprocess
import sys

import ase.io
import numpy as np
import pytest

import tensorbasis
from conftest import REPO, jar, random_rotation, run_eval


def test_targets_describe_shapes_blocks_and_units(water):
    m = tensorbasis.Model(water["model_file"])
    t = m.targets
    assert list(t) == ["mu", "alpha", "sig"]
    assert t["mu"]["shape"] == (3,) and not t["mu"]["per_atom"] and t["mu"]["unit"] == "a.u."
    assert t["alpha"]["shape"] == (3, 3) and list(t["alpha"]["blocks"]) == ["alpha:L0+", "alpha:L2+"]
    assert t["sig"]["per_atom"] and t["sig"]["shape"] == (3, 3) and t["sig"]["unit"] == "ppm"
    assert t["sig"]["blocks"]["sig:L1-"] == {"lambda": 1, "sigma": -1, "properties": 1}
    assert m.species == [1, 8]
    assert m.architecture == "lambda_mcov"


def test_train_prints_progress_to_python_stdout(water, capsys, tmp_path):
    assert "epoch    2" in water["log"] and "val RMSE mu" in water["log"]
    opts = tmp_path / "options.yaml"
    opts.write_text((water["dir"] / "options.yaml").read_text().replace("water40.xyz", str(water["data"]))
                    .replace("epochs: 2", "epochs: 1"))
    model = tensorbasis.train(opts, tmp_path / "m.tbm")
    out = capsys.readouterr().out
    assert "epoch    1" in out, out
    assert os.path.isfile(tmp_path / "m.tbm") and model.targets.keys() == {"mu", "alpha", "sig"}


def _cli_predictions(model_file, data, out):
    run_eval(model_file, data, out)
    return ase.io.read(out, ":")


def test_predictions_equal_those_of_tensorbasis_eval(water, tmp_path):
    frames = ase.io.read(water["data"], ":")
    cli = _cli_predictions(water["model_file"], water["data"], tmp_path / "pred.xyz")
    p = tensorbasis.Model(water["model_file"]).predict(frames)
    assert p["mu"].shape == (len(frames), 3) and p["alpha"].shape == (len(frames), 3, 3)
    assert len(p["sig"]) == len(frames) and p["sig"][0].shape == (3, 3, 3)
    mu = np.array([a.info["mu_pred"] for a in cli])
    alpha = np.array([a.info["alpha_pred"] for a in cli]).reshape(-1, 3, 3)
    np.testing.assert_allclose(p["mu"], mu, rtol=0, atol=1e-12)
    np.testing.assert_allclose(p["alpha"], alpha, rtol=0, atol=1e-12)
    for k, a in enumerate(cli):
        np.testing.assert_allclose(p["sig"][k], a.arrays["sig_pred"].reshape(-1, 3, 3), rtol=0, atol=1e-12)


def test_float32_precision_agrees_with_float64_to_float32_round_off(water):
    frames = ase.io.read(water["data"], ":")
    p64 = tensorbasis.Model(water["model_file"]).predict(frames)
    m32 = tensorbasis.Model(water["model_file"], precision="float32")
    assert m32.precision == "float32"
    p32 = m32.predict(frames)
    for key in ("mu", "alpha"):
        rms = np.sqrt(np.mean(p64[key] ** 2))
        diff = np.max(np.abs(p32[key] - p64[key]))
        assert 0 < diff <= 1e-5 * rms, (key, diff, rms)
    with pytest.raises(ValueError, match="precision"):
        tensorbasis.Model(water["model_file"], precision="float16")


def test_single_atoms_drops_the_frame_axis_and_spherical_blocks(water):
    frames = ase.io.read(water["data"], ":5")
    m = tensorbasis.Model(water["model_file"])
    many = m.predict(frames)
    one = m.predict(frames[2])
    assert one["mu"].shape == (3,) and one["alpha"].shape == (3, 3) and one["sig"].shape == (3, 3, 3)
    np.testing.assert_array_equal(one["alpha"], many["alpha"][2])
    np.testing.assert_array_equal(one["sig"], many["sig"][2])
    sph = m.predict(frames, spherical=True)
    assert sph["alpha"]["alpha:L2+"].shape == (5, 1, 5)
    assert sph["sig"]["sig:L1-"][0].shape == (3, 1, 3)
    # λ = 0 of a rank-2 tensor is its trace / √3 (up to the sign convention): check |.| only
    np.testing.assert_allclose(np.abs(sph["alpha"]["alpha:L0+"][:, 0, 0]),
                               np.abs(np.trace(many["alpha"], axis1=1, axis2=2)) / np.sqrt(3), rtol=1e-12)
    one_sph = m.predict(frames[2], spherical=True)
    np.testing.assert_array_equal(one_sph["sig"]["sig:L2+"], sph["sig"]["sig:L2+"][2])
    empty = m.predict([])
    assert empty["mu"].shape == (0, 3) and empty["sig"] == []


def test_rotating_the_atoms_rotates_the_predictions(water):
    rng = np.random.default_rng(7)
    m = tensorbasis.Model(water["model_file"])
    frames = ase.io.read(water["data"], ":6")
    for proper in (True, False):
        R = random_rotation(rng, proper)
        rotated = []
        for a in frames:
            b = a.copy()
            b.positions = a.positions @ R.T
            rotated.append(b)
        p, q = m.predict(frames), m.predict(rotated)
        np.testing.assert_allclose(q["mu"], p["mu"] @ R.T, atol=1e-10)
        np.testing.assert_allclose(q["alpha"], R @ p["alpha"] @ R.T, atol=1e-10)
        for s, t in zip(p["sig"], q["sig"]):
            # a proper rank-2 tensor: T' = R T Rᵀ under rotations and inversion alike
            np.testing.assert_allclose(t, R @ s @ R.T, atol=1e-10)


def test_periodic_predictions_equal_those_of_tensorbasis_eval(boxes, tmp_path):
    frames = ase.io.read(boxes["data"], ":")
    assert all(a.pbc.all() for a in frames)
    cli = _cli_predictions(boxes["model_file"], boxes["data"], tmp_path / "pred.xyz")
    m = tensorbasis.Model(boxes["model_file"])
    assert m.architecture == "linear_ridge"
    p = m.predict(frames)
    np.testing.assert_allclose(p["eps"], np.array([a.info["eps_pred"] for a in cli]).reshape(-1, 3, 3), rtol=0, atol=1e-12)
    for k, a in enumerate(cli):
        np.testing.assert_allclose(p["q"][k], a.arrays["q_pred"], rtol=0, atol=1e-12)


def test_a_bad_model_path_names_the_file(tmp_path):
    missing = tmp_path / "no-such-model.tbm"
    with pytest.raises(FileNotFoundError, match="no-such-model.tbm"):
        tensorbasis.Model(missing)
    bad = tmp_path / "garbage.tbm"
    bad.write_bytes(b"not a model at all, but long enough to have a header" * 3)
    with pytest.raises(tensorbasis.TensorbasisError, match="garbage.tbm"):
        tensorbasis.Model(bad)


def test_bad_options_and_bad_structures_raise_python_exceptions(water, tmp_path):
    opts = tmp_path / "options.yaml"
    opts.write_text("training_set: nowhere.xyz\ntargets: {mu: {}}\n")
    with pytest.raises(tensorbasis.TensorbasisError, match="nowhere.xyz"):
        tensorbasis.train(opts, tmp_path / "m.tbm")
    assert not (tmp_path / "m.tbm").exists()
    import ase
    m = tensorbasis.Model(water["model_file"])
    with pytest.raises(tensorbasis.TensorbasisError, match="frame 1"):
        m.predict([ase.Atoms("H2O", positions=[[0, 0, 0], [0.96, 0, 0], [0, 0.96, 0]]),
                   ase.Atoms("AuO", positions=[[0, 0, 0], [2, 0, 0]])])


def _python(code, **env):
    e = dict(os.environ, PYTHONPATH=os.path.join(REPO, "python"), **env)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=e)


def test_a_missing_jar_is_a_clear_error(tmp_path):
    r = _python("import tensorbasis; tensorbasis.Model('x.tbm')", TENSORBASIS_JAR=str(tmp_path / "nope.jar"))
    assert r.returncode != 0 and "TENSORBASIS_JAR" in r.stderr and "nope.jar" in r.stderr, r.stderr


def test_java_options_come_from_the_environment(water):
    code = ("import tensorbasis, jpype; tensorbasis.Model(%r); "
            "print(jpype.JClass('java.lang.Runtime').getRuntime().maxMemory())" % str(water["model_file"]))
    r = _python(code, TENSORBASIS_JAVA_OPTS="-Xmx300m", TENSORBASIS_JAR=jar())
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.split()[-1]) <= 300 * 2**20


CTRL_C = r"""
import os, signal, sys, time
import tensorbasis

class Stream:
    # progress lines; the second epoch line sends Ctrl-C to this process, as a user would
    def __init__(self):
        self.text = ""
    def write(self, s):
        self.text += s
        if "epoch    2 " in s:
            # called by the training thread: hold it until the main thread has asked it to stop
            # (train() prints this line after requestStop), else a short run could end first
            os.kill(os.getpid(), signal.SIGINT)
            t0 = time.time()
            while "writing a checkpoint" not in self.text and time.time() - t0 < 60:
                time.sleep(0.01)
    def flush(self):
        pass

out = sys.argv[2]
stream = Stream()
m = tensorbasis.train(sys.argv[1], out, stream=stream)
assert m is None, m
assert "writing a checkpoint" in stream.text and "restart=" in stream.text, stream.text
assert not os.path.exists(out)
ckpt = out[:-4] + ".ckpt"
assert os.path.isfile(ckpt)
m = tensorbasis.train(sys.argv[1], out, restart=ckpt, quiet=True)
assert m is not None and os.path.isfile(out)
print("ok")
"""


def test_ctrl_c_stops_training_with_a_checkpoint_and_train_resumes_it(water, tmp_path):
    opts = tmp_path / "options.yaml"
    opts.write_text((water["dir"] / "options.yaml").read_text().replace("water40.xyz", str(water["data"]))
                    .replace("epochs: 2", "epochs: 6"))
    r = subprocess.run([sys.executable, "-c", CTRL_C, str(opts), str(tmp_path / "m.tbm")], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=os.path.join(REPO, "python"), TENSORBASIS_JAR=jar()), timeout=300)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout + r.stderr


def test_a_missing_jpype_says_what_to_install():
    r = _python("import sys; sys.modules['jpype'] = None\nimport tensorbasis; tensorbasis.Model('x.tbm')")
    assert r.returncode != 0 and "pip install JPype1" in r.stderr and "python3-jpype" in r.stderr, r.stderr


def test_no_netlib_banner_on_stderr(water):
    r = _python("import tensorbasis, ase; m = tensorbasis.Model(%r); "
                "m.predict(ase.Atoms('H2O', positions=[[0, 0, 0], [0.96, 0, 0], [0, 0.96, 0]]))" % str(water["model_file"]),
                TENSORBASIS_JAR=jar())
    assert r.returncode == 0 and "netlib" not in r.stderr, r.stderr


def test_a_heap_too_small_for_the_batch_is_a_clear_error(water):
    code = ("import tensorbasis, ase.io; m = tensorbasis.Model(%r); fr = ase.io.read(%r, ':') * 2000\n"
            "try:\n    m.predict(fr)\nexcept (tensorbasis.TensorbasisError, MemoryError) as e:\n    print('ERR', e)\n")
    r = _python(code % (str(water["model_file"]), str(water["data"])), TENSORBASIS_JAVA_OPTS="-Xmx32m", TENSORBASIS_JAR=jar())
    assert r.returncode == 0 and "ERR" in r.stdout and "TENSORBASIS_JAVA_OPTS" in r.stdout, r.stdout + r.stderr
