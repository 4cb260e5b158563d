"""Start TensorFlow without its C++ start-up lines, in the runner and in the notebooks.

TF 2.21 prints lines (oneDNN notes, "Could not find cuda drivers", absl's warning) before its
logging starts, so `TF_CPP_MIN_LOG_LEVEL` alone does not hide them: file descriptor 2 is
pointed at a temporary file while TF starts. A user who sets `TF_CPP_MIN_LOG_LEVEL` sees
everything, as TF prints it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from types import ModuleType


def quiet() -> bool:
    """Tell whether TF's start-up lines should be hidden (the user did not ask for them)."""
    return os.environ.get("TF_CPP_MIN_LOG_LEVEL") in (None, "")


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Hide what is written to file descriptor 2; show it if the block fails with an error."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        except Exception:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def import_tensorflow_quietly() -> ModuleType:
    """Import TensorFlow with its C++ start-up lines and Python warnings hidden.

    Unless you set TF_CPP_MIN_LOG_LEVEL yourself: then TF prints what it always prints. The
    notebooks call this in their first cell, before `import tensorflow as tf`.
    """
    if not quiet():
        import tensorflow as tf

        return tf
    # 3 hides C++ INFO, WARNING and ERROR lines from here on (e.g. oneDNN's notes on
    # float16 kernels); real failures still reach you as Python exceptions.
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    with quiet_stderr():
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")  # e.g. the retracing notes tape.jacobian causes
    return tf
