"""Capture what an example prints, as a notebook cell shows it: Python's and TF's own.

A Python `print` writes to `sys.stdout`; `tf.print(..., output_stream=sys.stdout)` inside a
`tf.function` writes from C++ to file descriptor 1. Both go to one temporary file while the
example runs, in the order they were written, and the text becomes the example's output.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass
class Printed:
    """What an example printed; `text` is filled in when the capture ends."""

    text: str = ""


@contextlib.contextmanager
def capture_stdout() -> Iterator[Printed]:
    """Send file descriptor 1 and `sys.stdout` to a temporary file while the block runs."""
    printed = Printed()
    sys.stdout.flush()
    saved = os.dup(1)
    with tempfile.TemporaryFile(mode="w+b") as file:
        os.dup2(file.fileno(), 1)
        stream = io.TextIOWrapper(os.fdopen(os.dup(1), "wb"), encoding="utf-8",
                                  errors="backslashreplace", write_through=True)
        try:
            with contextlib.redirect_stdout(stream):
                yield printed
        finally:
            stream.flush()
            stream.close()
            os.dup2(saved, 1)
            os.close(saved)
            file.seek(0)
            printed.text = file.read().decode("utf-8", errors="backslashreplace")
