"""tensorbasis.train: a training run in this process, progress on Python's stdout."""

import os
import sys
import threading

from . import _jvm
from ._model import Model

_listener_class = None


def _listener():
    """A Java TrainingSession.Listener implemented in Python (defined once the JVM runs)."""
    global _listener_class
    if _listener_class is not None:
        return _listener_class
    jpype = _jvm.start()
    from jpype import JImplements, JOverride

    @JImplements("org.tensorbasis.api.Trainer$Listener")
    class Listener:
        def __init__(self, stream, targets, interval, epochs):
            self.stream = stream
            self.targets = targets
            self.interval = interval
            self.epochs = epochs

        @JOverride
        def message(self, line):
            print(str(line), file=self.stream or sys.stdout, flush=True)

        @JOverride
        def progress(self, epoch, epochs, batch, batches):
            pass

        # a JPype proxy answers only the methods defined here, default methods of the interface included
        @JOverride
        def timing(self, phase, seconds):
            pass

        @JOverride
        def epoch(self, r):
            e = int(r.epoch())
            if e % self.interval != 0 and e != self.epochs:
                return
            s = "epoch %4d  loss %.4e  val loss %.4e  lr %.2e  %.2fs" % (
                e, float(r.trainLoss()), float(r.validationLoss()), float(r.lr()), float(r.seconds()))
            rmse = r.validationRmse()
            for t in self.targets:
                v = rmse.get(t)
                if v is not None:
                    s += "  val RMSE %s %.4g" % (t, float(v))
            if r.best():
                s += "  *"
            print(s, file=self.stream or sys.stdout, flush=True)

    _listener_class = Listener
    return Listener


def train(options, model, restart=None, quiet=False, stream=None):
    """Trains as ``tensorbasis train OPTIONS -o MODEL [--restart CKPT]`` does, in this process.

    ``options``: an options.yaml path (relative paths in it are resolved against its folder).
    ``model``: the model file to write (``.tbm``; the checkpoint, CSV log and resolved options are
    written next to it). Progress lines go to ``stream`` (default ``sys.stdout``) unless ``quiet``.
    Returns the trained :class:`tensorbasis.Model`. Ctrl-C stops the run at the next batch with a
    checkpoint (resume with ``restart=`` that checkpoint) and returns None.
    Bad options or data raise :class:`tensorbasis.TensorbasisError` naming file, line and field.
    """
    jpype = _jvm.start()
    Paths = jpype.JClass("java.nio.file.Paths")
    JTrainer = jpype.JClass("org.tensorbasis.api.Trainer")
    options = os.fspath(options)
    model = os.fspath(model)
    if not os.path.isfile(options):
        raise FileNotFoundError(f"{options}: no such options file")
    try:
        trainer = JTrainer.fromOptions(Paths.get(os.path.abspath(options)))
        if not quiet:
            o = trainer.options()
            targets = [str(t) for t in o.targets().keySet()]
            trainer.listener(_listener()(stream, targets, int(o.hypers().logInterval()), int(o.hypers().epochs())))
        out = Paths.get(os.path.abspath(model))
        ckpt = None if restart is None else Paths.get(os.path.abspath(os.fspath(restart)))
    except jpype.JException as e:
        py = _jvm.rethrow(e)
        if py is None:
            raise
        raise py from None
    # The run goes on in a worker thread so that Ctrl-C (KeyboardInterrupt, delivered to the main
    # thread) can ask it to stop at the next batch: it then writes a checkpoint, as the CLI does.
    box = {}
    # An Event, not Thread.join: a join interrupted by KeyboardInterrupt can leave the thread
    # marked as finished while it still runs (CPython < 3.12).
    done = threading.Event()

    def run():
        try:
            box["result"] = trainer.train(out) if ckpt is None else trainer.resume(out, ckpt)
        except BaseException as e:  # handed to the caller's thread
            box["error"] = e
        finally:
            done.set()

    worker = threading.Thread(target=run, name="tensorbasis-train", daemon=True)
    worker.start()
    try:
        while not done.wait(0.1):
            pass
    except KeyboardInterrupt:
        trainer.requestStop()
        print("interrupted: stopping at the next batch and writing a checkpoint (Ctrl-C again to abort)",
              file=stream or sys.stdout, flush=True)
        done.wait()
    if "error" in box:
        e = box["error"]
        if isinstance(e, jpype.JException):
            py = _jvm.rethrow(e)
            if py is not None:
                raise py from None
        raise e
    result = box["result"]
    if result.interrupted():
        if not quiet:
            print(f"stopped; resume with tensorbasis.train({options!r}, {model!r}, restart={str(result.outputs().checkpoint())!r})",
                  file=stream or sys.stdout, flush=True)
        return None
    trained = Model(result.model())
    trained.path = str(out)
    return trained
