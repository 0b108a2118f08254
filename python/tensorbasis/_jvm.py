"""Finding the jar and starting the JVM (one per process, at first use)."""

import os
import shlex
import threading

_lock = threading.Lock()
_started = False

ENV_JAR = "TENSORBASIS_JAR"
ENV_OPTS = "TENSORBASIS_JAVA_OPTS"


class TensorbasisError(ValueError):
    """Bad input reported by tensorbasis (the message names the file, frame, line or field)."""


def _jpype():
    try:
        import jpype
        import jpype.imports  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "tensorbasis needs JPype to run the Java model in this process: "
            "apt-get install python3-jpype (Debian/Ubuntu) or pip install JPype1") from e
    return jpype


def repository_jar():
    """target/tensorbasis.jar of the repository holding this package (python/tensorbasis/..)."""
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "target", "tensorbasis.jar"))


def find_jar():
    """The jar: $TENSORBASIS_JAR, else target/tensorbasis.jar of the repository; else a clear error."""
    env = os.environ.get(ENV_JAR)
    if env:
        if not os.path.isfile(env):
            raise FileNotFoundError(f"{ENV_JAR}={env}: no such file (it should name tensorbasis.jar)")
        return os.path.abspath(env)
    jar = repository_jar()
    if os.path.isfile(jar):
        return jar
    raise FileNotFoundError(
        f"tensorbasis.jar not found: set {ENV_JAR} to its path, or build it in the repository with "
        f"'mvn -B -q -DskipTests package' (expected at {jar})")


def _support_jars():
    """JPype's own org.jpype.jar when JPype would not find it: Debian's python3-jpype installs it in
    /usr/share/java instead of next to the _jpype module, and the JVM then fails to start with
    ClassNotFoundException: org.jpype.classloader.DynamicClassLoader."""
    try:
        import _jpype
    except ImportError:
        return []
    beside = os.path.join(os.path.dirname(os.path.abspath(_jpype.__file__)), "org.jpype.jar")
    if os.path.isfile(beside):
        return []
    for jar in ("/usr/share/java/org.jpype.jar",):
        if os.path.isfile(jar):
            return [jar]
    return []


def java_options():
    """JVM options from $TENSORBASIS_JAVA_OPTS (e.g. '-Xmx8g'), split like a shell would."""
    return shlex.split(os.environ.get(ENV_OPTS, ""))


def start():
    """Starts the JVM with the jar on the class path (once per process) and returns the jpype module."""
    global _started
    jpype = _jpype()
    with _lock:
        if _started:
            return jpype
        if jpype.isJVMStarted():
            # started by someone else: usable only if our classes are on its class path
            try:
                jpype.JClass("org.tensorbasis.api.Model")
            except Exception as e:
                raise RuntimeError(
                    "a JVM is already running in this process without tensorbasis.jar on its class path; "
                    f"start it with classpath=[{find_jar()!r}] or import tensorbasis first") from e
            _started = True
            return jpype
        jar = find_jar()
        try:
            jvm = jpype.getDefaultJVMPath()
        except jpype.JVMNotFoundException as e:
            raise RuntimeError(
                "no Java runtime found: tensorbasis needs Java 17 or later "
                "(install a JDK, e.g. apt-get install openjdk-17-jre-headless, or set JAVA_HOME)") from e
        # one OpenBLAS thread per Java thread, as bin/tensorbasis sets it (read when the library loads): OpenBLAS'
        # own spinning threads beside tensorbasis' parallel loops made training up to 10x slower on shared cores
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        try:
            # interrupt=False: Ctrl-C stays Python's (a KeyboardInterrupt; train() turns it into a
            # checkpoint and a clean stop) instead of the JVM's, which would end the process at once.
            jpype.startJVM(jvm, *java_options(), classpath=_support_jars() + [jar], convertStrings=False,
                           interrupt=False)
        except OSError as e:
            raise RuntimeError(f"could not start the JVM {jvm} with options {java_options()}: {e}") from e
        try:
            jpype.JClass("org.tensorbasis.api.Model")
        except Exception as e:
            raise RuntimeError(f"{jar} does not hold org.tensorbasis.api.Model: is it tensorbasis.jar?") from e
        _quiet_netlib(jpype)
        _started = True
        return jpype


_netlib_logger = None  # kept referenced: java.util.logging holds loggers weakly


def _quiet_netlib(jpype):
    """netlib announces the BLAS it loaded at INFO level on stderr; the CLI silences it too."""
    global _netlib_logger
    logging = jpype.JPackage("java").util.logging
    _netlib_logger = logging.Logger.getLogger("dev.ludovic.netlib")
    _netlib_logger.setLevel(logging.Level.WARNING)


def rethrow(e):
    """A Java exception as a Python one: BadInputException → TensorbasisError, IllegalArgumentException →
    ValueError, OutOfMemoryError → MemoryError; None for the others (re-raised as they are)."""
    jpype = _jpype()
    bad = jpype.JClass("org.tensorbasis.BadInputException")
    iae = jpype.JClass("java.lang.IllegalArgumentException")
    msg = str(e.getMessage()) if hasattr(e, "getMessage") else str(e)
    if isinstance(e, bad):
        return TensorbasisError(msg)
    if isinstance(e, iae):
        return ValueError(msg)
    if isinstance(e, jpype.JClass("java.lang.OutOfMemoryError")):
        return MemoryError(f"the JVM ran out of heap ({msg}): raise it with {ENV_OPTS}=-Xmx... "
                           "(set before the first use of tensorbasis) or predict fewer structures at a time")
    return None
