"""The report: lesson results as text a student reads and as one JSON document."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tfbasics.checks import Check, _to_numpy


@dataclass
class Section:
    """One example's part of a lesson: its name, prose, source, checks and figure."""

    example: str
    prose: str = ""
    source: str = ""
    checks: list[Check] = field(default_factory=list)
    figure: Path | None = None


@dataclass
class LessonResult:
    """What one lesson gave: a section per example run, and its error if it raised."""

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
        return jsonable(np.asarray(_to_numpy(value)).tolist())
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
    }


def to_json(results: list[LessonResult], header: dict) -> dict:
    """Return the whole run as the runner's JSON document."""
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
            }
            for result in results
        ],
        "passed": sum(result.passed for result in results),
        "failed": sum(result.failed for result in results),
        "errors": sum(result.error is not None for result in results),
    }


def format_lesson(result: LessonResult, show_code: bool = False) -> str:
    """Return a lesson's result as text: title, then per example its checks and figure."""
    lines = [f"{result.name} — {result.title}"]
    for section in result.sections:
        if show_code:
            lines.append(f"\n  ▸ {section.example}: {section.prose}")
            lines.append(textwrap.indent(section.source.rstrip(), "  │ "))
        lines += [textwrap.indent(str(check), "  ") for check in section.checks]
        if section.figure is not None:
            lines.append(f"  figure: {section.figure}")
    if result.error is not None:
        lines.append(f"  ERROR  {result.error}")
    return "\n".join(lines)


def print_checks(checks: list[Check]) -> None:
    """Print each check as the runner does: verdict, name, computed vs expected."""
    for check in checks:
        print(check)
