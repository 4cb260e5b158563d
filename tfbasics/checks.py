"""Check records: a computed value beside an independent expected value."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

# Default (rtol, atol) per dtype: a few ulps of accumulated rounding in each format.
TOLERANCES = {
    "float16": (1e-3, 1e-3),
    "bfloat16": (1e-2, 1e-2),
    "float32": (1e-5, 1e-6),
    "float64": (1e-10, 1e-12),
}


WIDTH = 92  # characters after the indent: the report stays readable in a terminal


@dataclass
class Check:
    """One verified result: what TF computed, what it was compared with, and the verdict."""

    name: str
    computed: Any
    expected: Any
    passed: bool
    max_abs_error: float | None = None
    device: str = ""
    note: str = ""
    timing: str = ""  # a measurement that varies run to run, kept apart from the verdict

    def __str__(self) -> str:
        lines = [f"{'PASS' if self.passed else 'FAIL'}  {self.name}"]
        computed, expected = f"computed {show(self.computed)}", f"expected {show(self.expected)}"
        if self.max_abs_error is not None:
            expected += f"   max abs error {self.max_abs_error:.2g}"
        together = f"{computed}   {expected}"
        lines += [together] if len(together) <= WIDTH else [computed, expected]
        for extra in (self.note, self.timing):
            lines += textwrap.wrap(extra, WIDTH, break_on_hyphens=False) if extra else []
        return "\n      ".join(lines)


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
    """Format a value the way a student reads it: short, rounded, None and errors by name."""
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
    if array.size > 12:  # long arrays: the first and last three, and the shape
        items = [show_item(x) for x in array.ravel().tolist()]
        shape = "×".join(map(str, array.shape))
        return f"[{', '.join(items[:3])}, …, {', '.join(items[-3:])}] ({shape} values)"
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


def tolerances(dtype: Any, rtol: float | None = None, atol: float | None = None) -> tuple:
    """Return (rtol, atol): the given ones, else the default for the dtype's name."""
    name = getattr(dtype, "name", str(dtype))
    default_rtol, default_atol = TOLERANCES.get(name, (0.0, 0.0))
    return (default_rtol if rtol is None else rtol, default_atol if atol is None else atol)


def compare(computed: Any, expected: Any, rtol: float | None = None,
            atol: float | None = None) -> tuple[bool, float | None, str]:
    """Compare two values with dtype tolerances: (passed, max abs error, note)."""
    if isinstance(computed, (list, tuple)):  # several values, each compared on its own
        if not isinstance(expected, (list, tuple)):
            return False, None, "a list was computed, a single value expected"
        if len(computed) != len(expected):
            return False, None, f"{len(computed)} values computed, {len(expected)} expected"
        results = [compare(c, e, rtol, atol) for c, e in zip(computed, expected, strict=True)]
        errors = [err for _, err, _ in results if err is not None]
        notes = [f"[{i}] {note}" for i, (_, _, note) in enumerate(results) if note]
        return all(ok for ok, _, _ in results), max(errors, default=None), "; ".join(notes)
    if computed is None or expected is None:
        if computed is None and expected is None:
            return True, None, ""
        return False, None, "computed is None" if computed is None else "expected None"
    got, want = np.asarray(to_numpy(computed)), np.asarray(to_numpy(expected))
    if np.shape(got) != np.shape(want):
        return False, None, f"shape {np.shape(got)} computed, {np.shape(want)} expected"
    numeric = got.dtype.kind in "fciub" and want.dtype.kind in "fciub"
    if not numeric or (got.dtype.kind not in "fc" and want.dtype.kind not in "fc"):
        return bool(np.array_equal(got, want)), None, ""  # exact: ints, strings, bools
    rtol, atol = tolerances(got.dtype, rtol, atol)
    got = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
    error = float(np.max(np.abs(got - want), initial=0.0))
    ok = bool(np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=False))
    return ok, error, ""


def check_close(name: str, computed: Any, expected: Any, rtol: float | None = None,
                atol: float | None = None, note: str = "", timing: str = "") -> Check:
    """Check a computed TF value against an expected one within dtype tolerances."""
    passed, error, why = compare(computed, expected, rtol, atol)
    return Check(name, computed, expected, passed, error, device_of(computed),
                 "; ".join(n for n in (note, why) if n), timing)


def error_message(error: BaseException) -> str:
    """Return the first line of an error's message, without TF's `{{function_node ...}}`."""
    text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", str(error)).strip()
    return re.sub(r"\s*\[Op:\w+\].*$", "", text.splitlines()[0]) if text else ""


def check_raises(name: str, action: Callable[[], Any], expected: type[BaseException],
                 note: str = "") -> Check:
    """Check that calling `action` raises `expected`; the error type is the value."""
    try:
        action()
    except expected as error:
        return Check(name, type(error), expected, True, note=note or error_message(error))
    except Exception as error:  # noqa: BLE001 - a different error is the failure we report
        return Check(name, type(error), expected, False, note=f"{type(error).__name__}: {error}")
    return Check(name, "no error", expected, False, note=note)

