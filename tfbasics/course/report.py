"""The report's records and forms: lesson results as JSON and as a notebook cell's output.

`Section` and `LessonResult` are the records `tfbasics.course.lesson.run` fills; `to_json`
gives the runner's `--json` document (docs/json.md); `show` and `show_figure` print an
example's verified claims inside a notebook. The terminal view is `tfbasics.course.view`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tfbasics.checks import Check, to_numpy


@dataclass
class Section:
    """One example's part of a lesson run: its checks or figure, or the error it raised."""

    example: str
    checks: list[Check] = field(default_factory=list)
    figure: Path | None = None
    error: str | None = None
    output: str = ""  # what the example printed: Python's print and TF's own


@dataclass
class LessonResult:
    """What one lesson gave: a section per example run, and the first error if one raised."""

    name: str
    title: str
    sections: list[Section] = field(default_factory=list)
    error: str | None = None

    @property
    def checks(self) -> list[Check]:
        """Return every check, in order."""
        return [check for section in self.sections for check in section.checks]

    @property
    def figures(self) -> list[Path]:
        """Return the figures written, in order."""
        return [section.figure for section in self.sections if section.figure is not None]

    @property
    def passed(self) -> int:
        """Count the checks that passed."""
        return sum(check.passed for check in self.checks)

    @property
    def failed(self) -> int:
        """Count the checks that failed."""
        return sum(not check.passed for check in self.checks)


# --- JSON ------------------------------------------------------------------------------------

def jsonable(value: Any) -> Any:
    """Return a value as plain JSON data: None as null, arrays as nested lists, errors by name."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, type):
        return value.__name__
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    if isinstance(value, complex):
        return {"real": jsonable(value.real), "imag": jsonable(value.imag)}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "numpy") or isinstance(value, (np.ndarray, np.generic)):
        return jsonable(np.asarray(to_numpy(value)).tolist())
    return str(value)


def check_to_json(check: Check, example: str = "") -> dict:
    """Return one check as a JSON object."""
    return {
        "name": check.name,
        "passed": check.passed,
        "computed": jsonable(check.computed),
        "expected": jsonable(check.expected),
        "max_abs_error": check.max_abs_error,
        "device": check.device,
        "note": check.note,
        "timing": check.timing,
        "example": example,
        "by": check.by,
    }


def to_json(results: list[LessonResult], header: dict) -> dict:
    """Return the whole run as the runner's JSON document.

    Per lesson: its checks (each naming its example and where its expected value comes
    from), its figures, the first error, and `examples`, one entry per example run with its
    name, error, figure and printed output. `errors` counts the lessons with an error,
    `example_errors` the examples that raised.
    """
    return {
        **header,
        "lessons": [
            {
                "name": result.name,
                "title": result.title,
                "checks": [check_to_json(check, section.example)
                           for section in result.sections for check in section.checks],
                "figures": [str(path) for path in result.figures],
                "error": result.error,
                "examples": [{"name": section.example, "error": section.error,
                              "figure": None if section.figure is None else str(section.figure),
                              "checks": len(section.checks), "output": section.output}
                             for section in result.sections],
            }
            for result in results
        ],
        "passed": sum(result.passed for result in results),
        "failed": sum(result.failed for result in results),
        "errors": sum(result.error is not None for result in results),
        "example_errors": sum(section.error is not None for result in results
                              for section in result.sections),
    }


# --- notebooks ---------------------------------------------------------------------------------

def show(checks: list[Check]) -> None:
    """Print an example's checks in a notebook cell, one claim each (and its note)."""
    for check in checks:
        print(check)


def show_figure(path: Path) -> None:
    """Show a figure an example wrote, inside a notebook (else print where it is)."""
    try:
        from IPython.display import Image, display
    except ImportError:
        print(f"figure: {path}")
        return
    display(Image(filename=str(path)))
