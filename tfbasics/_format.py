"""How the checks show values and errors: short, rounded, in the words a student reads.

Shared by every check (`tfbasics.checks`), the gradient check and the helpers that report TF's
own errors, so a value or an error message reads the same wherever it appears.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

LONG = 12  # arrays with more elements are summarised


def to_numpy(value: Any) -> Any:
    """Return a TF value as NumPy (None, strings and exception types are kept as they are)."""
    if value is None or isinstance(value, (str, type)):
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(to_numpy(v) for v in value)
    if hasattr(value, "numpy"):
        return value.numpy()
    return np.asarray(value)


def show(value: Any) -> str:
    """Format a value the way a student reads it: short, rounded, None and errors by name.

    A long array shows its shape, its range and its first and last values, so a vector of
    tiny numbers does not read as all zeros.
    """
    if value is None:
        return "None"
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(show(v) for v in value) + "]"
    array = np.asarray(to_numpy(value))
    if array.ndim == 0:
        return show_item(array.item())
    if array.size > LONG:
        items = [show_item(x) for x in array.ravel().tolist()]
        shape = "×".join(map(str, array.shape))
        text = f"{shape} values"
        if array.dtype.kind in "fiu" and np.isfinite(array).any():
            text += (f" from {show_item(np.nanmin(array).item())} to "
                     f"{show_item(np.nanmax(array).item())}")
        return f"[{', '.join(items[:3])}, …, {', '.join(items[-3:])}] ({text})"
    return "[" + ", ".join(show(row) for row in array) + "]"


def show_item(item: Any) -> str:
    """Format one element: floats to six significant digits, bytes and strings quoted."""
    if isinstance(item, float):
        text = f"{item:.6g}"  # keep a float looking like one: 7.0, not 7
        return text if any(c in text for c in ".enia") else text + ".0"
    if isinstance(item, complex):
        return f"{item:.6g}"
    return repr(item) if isinstance(item, (bytes, str)) else str(item)


def device_of(value: Any) -> str:
    """Return the device a TF value lives on, or '' for None and non-TF values."""
    if isinstance(value, (list, tuple)):
        return next((d for d in map(device_of, value) if d), "")
    return getattr(value, "device", "") or ""


def error_message(error: BaseException) -> str:
    """Return the first line of an error's message, without TF's `{{function_node ...}}`,
    terminal colour codes, or Keras's "Exception encountered when calling X.call()." preamble
    (the line after it says what went wrong)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", text).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].startswith("Exception encountered when calling"):
        lines = lines[1:]
    return re.sub(r"\s*\[Op:\w+\].*$", "", lines[0]) if lines else ""


def show_pair(a: float, b: float) -> tuple[str, str]:
    """Format two values with the fewest digits (six at least) that tell them apart."""
    for digits in range(6, 18):
        shown = (f"{a:.{digits}g}", f"{b:.{digits}g}")
        if shown[0] != shown[1]:
            break
    return tuple(t if any(c in t for c in ".enia") else t + ".0" for t in shown)
