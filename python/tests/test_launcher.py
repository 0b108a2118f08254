"""bin/tensorbasis: the JIT it chooses for `eval` does not change a digit of the predictions, and a bad
TENSORBASIS_JIT is refused with one line and exit code 2."""

import os
import subprocess

from conftest import REPO, jar

LAUNCHER = os.path.join(REPO, "bin", "tensorbasis")


def _launch(args, **env):
    e = dict(os.environ, **env)
    return subprocess.run([LAUNCHER] + [str(a) for a in args], capture_output=True, text=True, env=e)


def test_quick_and_optimising_jit_predict_the_same(water, tmp_path):
    if os.path.realpath(jar()) != os.path.realpath(os.path.join(REPO, "target", "tensorbasis.jar")):
        import pytest
        pytest.skip("the launcher runs target/tensorbasis.jar, not $TENSORBASIS_JAR")
    outs = {}
    for mode in ("c1", "c2", "auto"):
        out = tmp_path / f"pred_{mode}.xyz"
        r = _launch(["eval", water["model_file"], water["data"], "-o", out, "--threads", "2"], TENSORBASIS_JIT=mode)
        assert r.returncode == 0, r.stdout + r.stderr
        outs[mode] = out.read_text()
    assert outs["c1"] == outs["c2"] == outs["auto"]
    assert "mu_pred" in outs["c1"]


def test_bad_jit_mode_is_one_line_and_exit_2(water, tmp_path):
    r = _launch(["eval", water["model_file"], water["data"]], TENSORBASIS_JIT="fast")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "TENSORBASIS_JIT" in r.stderr and "'fast'" in r.stderr
