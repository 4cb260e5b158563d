"""Check records: a computed value beside an independent expected value, and the verdict.

The public helpers are `Check`, `check_close` and `check_raises`; every lesson returns the
checks they make, and the runner and the notebooks show them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tfbasics._format import LONG, device_of, error_message, show, to_numpy

# Default (rtol, atol) per dtype: a few ulps of accumulated rounding in each format.
_TOLERANCES = {
    "float16": (1e-3, 1e-3),
    "bfloat16": (1e-2, 1e-2),
    "float32": (1e-5, 1e-6),
    "float64": (1e-10, 1e-12),
    "complex64": (1e-5, 1e-6),
    "complex128": (1e-10, 1e-12),
}
_WIDTH = 92  # characters after the indent in str(check)


@dataclass
class Check:
    """One verified result: what TF computed, what it was compared with, and the verdict.

    Printed, a check is one claim: the mark, what it claims, the value TF computed and the
    independent answer with where it comes from (`by`); a note follows where it teaches.

    >>> print(check_close("dL/dw at w = 1", 7.0, 4 + 3 * 1**2, by="by hand 4 + 3·1²"))
    ✓ dL/dw at w = 1 is 7.0, by hand 4 + 3·1² = 7
    """

    name: str
    computed: Any
    expected: Any
    passed: bool
    max_abs_error: float | None = None
    device: str = ""
    note: str = ""
    timing: str = ""  # a measurement that varies run to run, kept apart from the verdict
    by: str = ""  # where the expected value comes from: "by hand 4 + 3·1²", "NumPy", "the guide"

    def claim(self) -> str:
        """Return the check as one line: '✓ dL/dw is 7.0, by hand 4 + 3·1² = 7'."""
        mark = "✓" if self.passed else "✗"
        if isinstance(self.expected, type) and issubclass(self.expected, BaseException):
            if self.passed:
                return f"{mark} {self.name}: raises {self.expected.__name__}"
            return (f"{mark} {self.name}: {show(self.computed)}, expected it to raise "
                    f"{self.expected.__name__}")
        computed, expected = show(self.computed), show(self.expected)
        line = f"{mark} {self.name} is {computed}"
        if self.by:
            line += f", {self.by} = {expected}" if expected != computed or not self.passed \
                else f", {self.by}"
        elif expected != computed or not self.passed:
            line += f", expected {expected}"
        if not self.passed and self.max_abs_error is not None:
            where = _largest_error_at(self.computed, self.expected)
            line += f" (max abs error {self.max_abs_error:.2g}{' at ' + where if where else ''})"
        return line

    def __str__(self) -> str:
        lines = [self.claim()]
        for extra in (self.note, self.timing):
            lines += textwrap.wrap(extra, _WIDTH, break_on_hyphens=False) if extra else []
        return "\n  ".join(lines)


def _largest_error_at(computed: Any, expected: Any) -> str:
    """Return where two long arrays differ most, e.g. '[64]', or '' for short values."""
    try:
        got, want = np.asarray(to_numpy(computed)), np.asarray(to_numpy(expected))
    except (TypeError, ValueError):
        return ""
    if got.shape != want.shape or got.size <= LONG or got.dtype.kind not in "fciu" \
            or want.dtype.kind not in "fciu":
        return ""
    with np.errstate(invalid="ignore"):
        index = np.unravel_index(int(np.nanargmax(np.abs(got - want))), got.shape)
    return "[" + ", ".join(map(str, index)) + "]"


def _tolerances(dtype: Any, rtol: float | None = None, atol: float | None = None) -> tuple:
    """Return (rtol, atol): the given ones, else the default for the dtype's name."""
    name = getattr(dtype, "name", str(dtype))
    default_rtol, default_atol = _TOLERANCES.get(name, (0.0, 0.0))
    return (default_rtol if rtol is None else rtol, default_atol if atol is None else atol)


def _compare(computed: Any, expected: Any, rtol: float | None = None,
             atol: float | None = None) -> tuple[bool, float | None, str]:
    """Compare two values with dtype tolerances: (passed, max abs error, note)."""
    if isinstance(computed, (list, tuple)):  # several values, each compared on its own
        if not isinstance(expected, (list, tuple)):
            return False, None, "a list was computed, a single value expected"
        if len(computed) != len(expected):
            return False, None, f"{len(computed)} values computed, {len(expected)} expected"
        results = [_compare(c, e, rtol, atol) for c, e in zip(computed, expected, strict=True)]
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
    mismatch = _dtype_mismatch(got, want, expected)
    if mismatch:
        return False, None, mismatch
    numeric = got.dtype.kind in "fciub" and want.dtype.kind in "fciub"
    if not numeric or (got.dtype.kind not in "fc" and want.dtype.kind not in "fc"):
        return bool(np.array_equal(got, want)), None, ""  # exact: ints, strings, bools
    rtol, atol = _tolerances(got.dtype, rtol, atol)
    got = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
    error = float(np.max(np.abs(got - want), initial=0.0))
    ok = bool(np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=False))
    return ok, error, ""


def _dtype_mismatch(got: np.ndarray, want: np.ndarray, expected: Any) -> str:
    """Say how the dtypes differ where the expected value carries one ('' where they agree).

    A NumPy or TF value, or a Python bool, carries its dtype: a bool must be a bool and an
    integer the same integer type. A float or complex reference may be more precise than
    what TF computed (NumPy's float64 beside TF's float32), so there only the kind must match.
    Python numbers and lists carry no dtype and are compared by value.
    """
    carries = isinstance(expected, (bool, np.ndarray, np.generic)) or hasattr(expected, "dtype")
    if not carries or got.dtype == want.dtype:
        return ""
    if want.dtype.kind in "fc" and got.dtype.kind == want.dtype.kind:
        return ""
    return f"dtype {got.dtype} computed, {want.dtype} expected"


def check_close(name: str, computed: Any, expected: Any, rtol: float | None = None,
                atol: float | None = None, note: str = "", timing: str = "",
                by: str = "") -> Check:
    """Check a computed TF value against an expected one within dtype tolerances.

    Lists are compared item by item, None only equals None, integers, strings and bools
    exactly; floats within `rtol` and `atol` (default: by the computed value's dtype). Where
    the expected value carries a dtype (a NumPy or TF value, a Python bool), the computed one
    must have it too: a float 0/1 tensor is not a bool. `by` says where the expected value
    comes from ("by hand 4 + 3·1²", "NumPy", "the guide"). See the `tensors` lesson.

    >>> check_close("2 + 2", tf.constant(2.0) + 2, 4.0, by="by hand").passed
    True
    """
    passed, error, why = _compare(computed, expected, rtol, atol)
    return Check(name, computed, expected, passed, error, device_of(computed),
                 "; ".join(n for n in (note, why) if n), timing, by)


def check_raises(name: str, action: Callable[[], Any], expected: type[BaseException],
                 note: str = "") -> Check:
    """Check that calling `action()` raises `expected`; the error type is the value.

    The check's note is the error's own message (its first line), then `note` in brackets:
    what the lesson adds, such as the fix.

    Pass the action as a function (`lambda: tf.reshape(x, [7, -1])`), not its result, so the
    error happens inside the check. See the `tensors` lesson.
    """
    if not callable(action):
        raise TypeError(f"check_raises needs a function to call, got {type(action).__name__} "
                        f"{action!r}: wrap the code in a lambda, e.g. lambda: tf.reshape(x, "
                        f"[7, -1])")
    if not (isinstance(expected, type) and issubclass(expected, BaseException)):
        raise TypeError(f"expected must be an exception type such as ValueError, got "
                        f"{expected!r}")
    try:
        action()
    except expected as error:
        said = error_message(error)  # TF's own words first, then what the lesson adds
        return Check(name, type(error), expected, True,
                     note=f"{said} ({note})" if said and note else said or note)
    except Exception as error:  # noqa: BLE001 - a different error is the failure we report
        return Check(name, type(error), expected, False,
                     note=f"{type(error).__name__}: {error_message(error)}")
    return Check(name, "no error", expected, False, note=note)
