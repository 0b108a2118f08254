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


def _archives(cache):
    d = cache / "tensorbasis"
    return sorted(p for p in d.glob("cds-*.jsa")) if d.is_dir() else []


def test_class_data_sharing_archive_is_made_once_reused_and_never_trusted_truncated(water, tmp_path):
    if os.path.realpath(jar()) != os.path.realpath(os.path.join(REPO, "target", "tensorbasis.jar")):
        import pytest
        pytest.skip("the launcher runs target/tensorbasis.jar, not $TENSORBASIS_JAR")
    cache = tmp_path / "cache"
    args = ["eval", water["model_file"], water["data"], "--threads", "2"]
    r0 = _launch(args + ["-o", tmp_path / "p0.xyz"], XDG_CACHE_HOME=str(cache), TENSORBASIS_CDS="0")
    assert r0.returncode == 0, r0.stdout + r0.stderr
    assert _archives(cache) == []
    r1 = _launch(args + ["-o", tmp_path / "p1.xyz"], XDG_CACHE_HOME=str(cache))
    assert r1.returncode == 0, r1.stdout + r1.stderr
    made = _archives(cache)
    assert len(made) == 1 and made[0].stat().st_size == int(made[0].stem.rsplit("-", 1)[1])
    r2 = _launch(args + ["-o", tmp_path / "p2.xyz"], XDG_CACHE_HOME=str(cache))
    assert r2.returncode == 0, r2.stdout + r2.stderr
    assert _archives(cache) == made
    # the archive is mapped: -Xshare:on makes the JVM fail when it cannot use it
    r_on = _launch(args + ["-o", tmp_path / "p_on.xyz"], XDG_CACHE_HOME=str(cache), TENSORBASIS_JAVA_OPTS="-Xmx2g -Xshare:on")
    assert r_on.returncode == 0, r_on.stdout + r_on.stderr
    assert (tmp_path / "p_on.xyz").read_text() == (tmp_path / "p1.xyz").read_text()
    # a truncated archive (the JVM would abort on it) is deleted and made again, the run is unaffected
    data = made[0].read_bytes()
    made[0].chmod(0o644)
    made[0].write_bytes(data[: len(data) // 2])
    r3 = _launch(args + ["-o", tmp_path / "p3.xyz"], XDG_CACHE_HOME=str(cache))
    assert r3.returncode == 0, r3.stdout + r3.stderr
    again = _archives(cache)
    assert len(again) == 1 and again[0].stat().st_size == int(again[0].stem.rsplit("-", 1)[1])
    outs = [(tmp_path / f"p{k}.xyz").read_text() for k in range(4)]
    assert outs[0] == outs[1] == outs[2] == outs[3]
    for r in (r1, r2, r3):
        assert "cds" not in (r.stdout + r.stderr).lower()
        assert [line for line in r.stdout.splitlines() if not line.startswith(("predicted", "predictions written", "metrics written"))] == \
            [line for line in r0.stdout.splitlines() if not line.startswith(("predicted", "predictions written", "metrics written"))]


def test_only_the_four_newest_archives_are_kept(water, tmp_path):
    if os.path.realpath(jar()) != os.path.realpath(os.path.join(REPO, "target", "tensorbasis.jar")):
        import pytest
        pytest.skip("the launcher runs target/tensorbasis.jar, not $TENSORBASIS_JAR")
    cache = tmp_path / "cache"
    d = cache / "tensorbasis"
    d.mkdir(parents=True)
    # archives of five earlier builds (another jar size, so never mapped), older than the one this eval writes
    for k in range(5):
        f = d / f"cds-1-{k}-0-4.jsa"
        f.write_bytes(b"none")
        os.utime(f, (1_000_000 + k, 1_000_000 + k))
    r = _launch(["eval", water["model_file"], water["data"], "-o", tmp_path / "p.xyz"], XDG_CACHE_HOME=str(cache))
    assert r.returncode == 0, r.stdout + r.stderr
    left = _archives(cache)
    assert len(left) == 4
    assert not (d / "cds-1-0-0-4.jsa").exists() and not (d / "cds-1-1-0-4.jsa").exists()
    assert any(not p.name.startswith("cds-1-") for p in left)
