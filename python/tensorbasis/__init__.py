"""tensorbasis from Python: the Java model run in-process through JPype.

    import tensorbasis
    model = tensorbasis.Model("model.tbm")
    model.targets                 # name -> shape, per_atom, unit, blocks
    model.predict(atoms)          # {name: numpy array} for one ase.Atoms or a list of them
    tensorbasis.train("options.yaml", "run/model.tbm")

The JVM starts at first use, once per process, with tensorbasis.jar ($TENSORBASIS_JAR, else
target/tensorbasis.jar of this repository) and the options of $TENSORBASIS_JAVA_OPTS (e.g. -Xmx8g).
The ASE calculator is tensorbasis.ase.TensorbasisCalculator.
"""

from ._jvm import TensorbasisError, find_jar
from ._model import Model
from ._train import train

__all__ = ["Model", "train", "TensorbasisError", "find_jar"]
