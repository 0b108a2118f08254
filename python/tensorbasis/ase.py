"""An ASE calculator predicting every target of a tensorbasis model.

    from tensorbasis.ase import TensorbasisCalculator
    atoms.calc = TensorbasisCalculator(model="model.tbm")
    atoms.get_dipole_moment()        # the model's dipole target (see ``dipole``)
    atoms.calc.results["alpha"]      # every target under its name: (3, 3); per-atom: (n_atoms, ...)
"""

from ase.calculators.calculator import Calculator, all_changes

from ._model import Model

#: target names taken as the dipole when ``dipole`` is not given, in this order
DIPOLE_NAMES = ("dipole", "mu", "dipole_moment")


def _dipole_target(model, dipole):
    targets = model.targets
    if dipole is False:
        return None
    if dipole is not None:
        t = targets.get(dipole)
        if t is None:
            raise ValueError(f"dipole={dipole!r}: the model has no such target (targets: {list(targets)})")
        if t["per_atom"] or t["shape"] != (3,) or t["type"] != "cartesian":
            raise ValueError(f"dipole={dipole!r}: not a per-structure Cartesian vector (shape {t['shape']}, "
                             f"per_atom {t['per_atom']})")
        return dipole
    vectors = [n for n, t in targets.items() if not t["per_atom"] and t["shape"] == (3,) and t["type"] == "cartesian"]
    for name in DIPOLE_NAMES:
        if name in vectors:
            return name
    return vectors[0] if len(vectors) == 1 else None


class TensorbasisCalculator(Calculator):
    """ASE calculator for a tensorbasis model (``.tbm``) or a :class:`tensorbasis.Model`.

    ``results`` holds every target of the model under its name, in the layout of the training file
    (per structure: e.g. ``(3,)``, ``(3, 3)``; per atom: ``(n_atoms, 3, 3)``), in the target's unit
    (``model.targets[name]["unit"]``; no conversion to ASE units). ``results["dipole"]`` (hence
    ``atoms.get_dipole_moment()``) is the target named by ``dipole``; by default the per-structure
    Cartesian vector target called ``dipole``, else ``mu``, else ``dipole_moment``, else the only
    such target; ``dipole=False`` disables it. Periodic cells are supported (``atoms.pbc``, ``atoms.cell``).
    """

    def __init__(self, model="model.tbm", dipole=None, **kwargs):
        Calculator.__init__(self, **kwargs)
        self.model = model if isinstance(model, Model) else Model(model)
        self.dipole_target = _dipole_target(self.model, dipole)
        props = list(self.model.targets)
        if self.dipole_target is not None and "dipole" not in props:
            props.append("dipole")
        self.implemented_properties = props

    def calculate(self, atoms=None, properties=None, system_changes=all_changes):
        Calculator.calculate(self, atoms, properties, system_changes)
        prediction = self.model.predict(self.atoms)
        self.results = dict(prediction)
        if self.dipole_target is not None:
            self.results["dipole"] = prediction[self.dipole_target].copy()
