"""The lessons in course order, found and described without importing TensorFlow."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from tfbasics.lessons.report import LessonResult, Section

# Course order: each lesson builds on the ones before it.
COURSE = ("tensors", "variables", "autodiff", "advanced_autodiff", "graphs", "modules", "devices")


def source(name: str) -> str:
    """Return a lesson module's source text, found without importing it."""
    spec = importlib.util.find_spec(f"{__name__}.{name}")
    if spec is None or spec.origin is None:
        raise LookupError(f"no lesson named {name!r}")
    return Path(spec.origin).read_text(encoding="utf-8")


def docstring(name: str) -> str:
    """Return a lesson's module docstring, read from its source without importing it."""
    return ast.get_docstring(ast.parse(source(name))) or ""


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
        try:
            if setup is not None:
                setup()
        except RuntimeError:  # TF already started its devices (an in-process run): go on
            pass  # with the devices it has; the lesson's own checks say what is missing


def is_figure_example(example: object) -> bool:
    """Tell whether an example draws a figure (it takes a `figures_dir`)."""
    return "figures_dir" in inspect.signature(example).parameters


def run(name: str, figures_dir: Path | None = None, device: str = "",
        progress: Callable[[int, int, str], None] | None = None) -> LessonResult:
    """Run one lesson's examples in order on `device`; a lesson that raises is reported."""
    import tensorflow as tf

    result = LessonResult(name, title(name))
    current = ""  # the example running, for the error message
    try:
        examples = load(name).EXAMPLES
        with tf.device(device or None):
            for number, example in enumerate(examples, start=1):
                current = example.__name__
                if progress is not None:
                    progress(number, len(examples), example.__name__)
                section = Section(example.__name__, inspect.getdoc(example) or "",
                                  inspect.getsource(example))
                if not is_figure_example(example):
                    section.checks = list(example())
                elif figures_dir is not None:
                    section.figure = example(figures_dir=figures_dir)
                else:
                    continue
                result.sections.append(section)
    except Exception as error:  # noqa: BLE001 - one broken lesson must not stop the course
        where = f" in {current}" if current else ""
        result.error = f"{type(error).__name__}{where}: {error}"
    for check in result.checks:
        check.device = check.device or device  # a None result ran there too
    return result
