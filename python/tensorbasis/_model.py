"""tensorbasis.Model: a trained model file, predicting in-process through the Java API."""

import os

import numpy as np

from . import _jvm
from ._jvm import TensorbasisError


def _is_structure(x):
    return hasattr(x, "get_positions") and hasattr(x, "get_atomic_numbers")


class Model:
    """A trained tensorbasis model (``.tbm`` file, either architecture).

    ``Model("model.tbm").predict(atoms)`` returns ``{target: numpy array}`` in the layout of the
    training file; see :meth:`predict`. ``targets`` describes each target (shape, blocks, unit).
    Predictions are in the target's ``unit`` (whatever the training file used; no conversion).
    """

    def __init__(self, path, precision="float64"):
        """``precision="float32"`` (lambda_mcov models): the power spectrum and the first network layer in float32,
        the network part up to 1.6x faster (the descriptors unchanged), relative deviation from float64 ~1e-7 (``eval --precision float32``)."""
        jpype = _jvm.start()
        if isinstance(path, jpype.JClass("org.tensorbasis.api.Model")):
            self._java = path
            self.path = None
        else:
            self.path = os.fspath(path)
            if not os.path.isfile(self.path):
                raise FileNotFoundError(f"{self.path}: no such model file")
            Paths = jpype.JClass("java.nio.file.Paths")
            JModel = jpype.JClass("org.tensorbasis.api.Model")
            try:
                self._java = JModel.load(Paths.get(os.path.abspath(self.path)))
            except jpype.JException as e:
                py = _jvm.rethrow(e)
                if py is None:
                    raise
                raise py from None
        if precision != "float64":
            try:
                self._java.setPrecision(precision)
            except jpype.JException as e:
                py = _jvm.rethrow(e)
                if py is None:
                    raise
                raise py from None
        self._JInt = jpype.JArray(jpype.JInt)
        self._JDouble = jpype.JArray(jpype.JDouble)
        self._JBool = jpype.JArray(jpype.JBoolean)
        self._targets = self._describe()
        self._names = list(self._targets)

    @property
    def precision(self):
        """The arithmetic of predictions: "float64" or "float32"."""
        return str(self._java.precision())

    def _describe(self):
        opts = self._java.options().targets()
        layouts = self._java.trainedModel().layouts()
        out = {}
        for jname in self._java.targets():
            name = str(jname)
            t = opts.get(jname)
            width = int(self._java.width(jname))
            cartesian = str(t.type().name()) == "CARTESIAN"
            if cartesian:
                rank = int(round(np.log(width) / np.log(3)))
                shape = (3,) * rank
            else:
                shape = (width,)
            blocks = {}
            for b in layouts.get(jname).blocks():
                blocks[str(b.name())] = {"lambda": int(b.lambda_()) if hasattr(b, "lambda_") else int(getattr(b, "lambda")()),
                                         "sigma": int(b.sigma()), "properties": int(b.properties())}
            out[name] = {
                "shape": shape,
                "type": "cartesian" if cartesian else "spherical",
                "per_atom": bool(self._java.isPerAtom(jname)),
                "unit": str(t.unit()),
                "key": str(t.key()),
                "width": width,
                "blocks": blocks,
            }
        return out

    @property
    def targets(self):
        """Target name → dict: ``shape`` (per structure or per atom, e.g. ``(3, 3)``), ``type``
        (cartesian / spherical), ``per_atom``, ``unit`` (as recorded at training), ``key`` (extxyz
        field), ``width`` (numbers per row) and ``blocks`` (name → lambda, sigma, properties)."""
        return {k: dict(v, blocks=dict(v["blocks"])) for k, v in self._targets.items()}

    @property
    def species(self):
        """Atomic numbers the model knows."""
        return [int(z) for z in self._java.species()]

    @property
    def architecture(self):
        return str(self._java.architecture())

    @property
    def options_yaml(self):
        """The resolved training options, as stored in the model file."""
        return str(self._java.optionsYaml())

    def __repr__(self):
        return f"tensorbasis.Model({self.path!r}, targets={self._names})"

    # --- prediction -----------------------------------------------------------------------

    def _flatten(self, frames):
        counts = np.fromiter((len(a) for a in frames), dtype=np.int32, count=len(frames))
        if len(frames):
            numbers = np.concatenate([np.asarray(a.get_atomic_numbers(), dtype=np.int32) for a in frames])
            positions = np.concatenate([np.asarray(a.get_positions(), dtype=np.float64).reshape(-1) for a in frames])
            cells = np.concatenate([np.asarray(a.get_cell(), dtype=np.float64).reshape(9) for a in frames])
            pbc = np.concatenate([np.asarray(a.get_pbc(), dtype=bool).reshape(3) for a in frames])
            # An all-zero cell is no cell (as the Java extxyz reader reads Lattice="0 0 0 ..."; ASE
            # reads it as pbc=True with a zero cell, which no periodic neighbour search accepts).
            zero = ~cells.reshape(-1, 9).any(axis=1)
            pbc.reshape(-1, 3)[zero] = False
        else:
            numbers = np.zeros(0, np.int32)
            positions = np.zeros(0)
            cells = np.zeros(0)
            pbc = np.zeros(0, bool)
        return counts, numbers, positions, cells, pbc

    def _call(self, method, counts, numbers, positions, cells, pbc):
        jpype = _jvm.start()
        args = (self._JInt(np.ascontiguousarray(counts)), self._JInt(np.ascontiguousarray(numbers)),
                self._JDouble(np.ascontiguousarray(positions)), self._JDouble(np.ascontiguousarray(cells)),
                self._JBool(pbc.tolist()))
        try:
            res = getattr(self._java, method)(*args)
        except jpype.JException as e:
            py = _jvm.rethrow(e)
            if py is None:
                raise
            raise py from None
        return [np.array(r, dtype=np.float64) for r in res]

    def predict(self, atoms, spherical=False):
        """Predicts every target for one ``ase.Atoms`` (or anything with ``get_atomic_numbers``,
        ``get_positions``, ``get_cell``, ``get_pbc``) or a list of them, in ONE call to Java.

        Returns ``{target: array}`` in the layout of the training file:
        per-structure targets ``(n_frames, *shape)`` (e.g. ``(n, 3)`` for a dipole, ``(n, 3, 3)``
        for a polarizability), per-atom targets a list with one ``(n_atoms, *shape)`` array per
        frame; for a single Atoms, the frame axis / list is dropped. With ``spherical=True``:
        ``{target: {block: array}}`` with the irreducible blocks (e.g. ``alpha:L2+``), each of shape
        ``(properties, 2λ+1)`` per structure or per atom (μ = −λ..λ), laid out as above.
        """
        single = _is_structure(atoms)
        frames = [atoms] if single else list(atoms)
        counts, numbers, positions, cells, pbc = self._flatten(frames)
        n = len(frames)
        splits = np.cumsum(counts)[:-1] if n else []
        out = {}
        if not spherical:
            flats = self._call("predictFlat", counts, numbers, positions, cells, pbc)
            for name, flat in zip(self._names, flats):
                t = self._targets[name]
                if t["per_atom"]:
                    arr = flat.reshape((len(numbers),) + t["shape"])
                    out[name] = arr if single else (np.split(arr, splits) if n else [])
                else:
                    arr = flat.reshape((n,) + t["shape"])
                    out[name] = arr[0] if single else arr
            return out
        flats = iter(self._call("predictFlatSpherical", counts, numbers, positions, cells, pbc))
        for name in self._names:
            t = self._targets[name]
            blocks = {}
            for bname, b in t["blocks"].items():
                flat = next(flats)
                shape = (b["properties"], 2 * b["lambda"] + 1)
                if t["per_atom"]:
                    arr = flat.reshape((len(numbers),) + shape)
                    blocks[bname] = arr if single else (np.split(arr, splits) if n else [])
                else:
                    arr = flat.reshape((n,) + shape)
                    blocks[bname] = arr[0] if single else arr
            out[name] = blocks
        return out


__all__ = ["Model", "TensorbasisError"]
