"""The lessons in course order, found and described without importing TensorFlow."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
from pathlib import Path
from types import ModuleType

from tfbasics.report import LessonResult

# Course order: each lesson builds on the ones before it.
COURSE = ("tensors", "variables", "autodiff", "advanced_autodiff", "graphs", "modules", "devices")


def docstring(name: str) -> str:
    """Return a lesson's module docstring, read from its source without importing it."""
    spec = importlib.util.find_spec(f"{__name__}.{name}")
    if spec is None or spec.origin is None:
        raise LookupError(f"no lesson named {name!r}")
    with open(spec.origin, encoding="utf-8") as source:
        return ast.get_docstring(ast.parse(source.read())) or ""


def title(name: str) -> str:
    """Return a lesson's title: the first line of its docstring."""
    return docstring(name).splitlines()[0] if docstring(name) else name


def load(name: str) -> ModuleType:
    """Import a lesson module by name (this imports TensorFlow)."""
    if name not in COURSE:
        raise LookupError(f"no lesson named {name!r}; lessons: {', '.join(COURSE)}")
    return importlib.import_module(f"{__name__}.{name}")


def configure(names: list[str]) -> None:
    """Let each lesson set up devices (e.g. logical CPUs) before TF initialises them."""
    for name in names:
        setup = getattr(load(name), "configure", None)
        if setup is not None:
            setup()


def is_figure_example(example: object) -> bool:
    """Tell whether an example draws a figure (it takes a `figures_dir`)."""
    return "figures_dir" in inspect.signature(example).parameters


def run(name: str, figures_dir: Path | None = None, device: str = "") -> LessonResult:
    """Run one lesson's examples in order on `device`; a lesson that raises is reported."""
    import tensorflow as tf

    result = LessonResult(name, title(name))
    try:
        with tf.device(device or None):
            for example in load(name).EXAMPLES:
                if not is_figure_example(example):
                    result.checks.extend(example())
                elif figures_dir is not None:
                    result.figures.append(example(figures_dir=figures_dir))
    except Exception as error:  # noqa: BLE001 - one broken lesson must not stop the course
        result.error = f"{type(error).__name__}: {error}"
    for check in result.checks:
        check.device = check.device or device  # a None result ran there too
    return result
