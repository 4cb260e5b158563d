"""Grading helpers for exercises: random points, independent answers, diagnoses that teach.

A grader raises `Problem` with a one- or two-line diagnosis as soon as something is wrong (which
element, which point, why a gradient is None, which shape), never the answer itself, and
returns `Feedback.ok()` when everything holds. See the exercise contract in
`tfbasics/exercises/__init__.py`.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

STUDENT_FILE = {"path": ""}  # the student's file, so errors can name its lines


@dataclass
class Feedback:
    """The verdict on a student's answer: PASS, or what is wrong, in a line or two."""

    passed: bool
    message: str = ""

    @classmethod
    def ok(cls, message: str = "") -> Feedback:
        """Return a passing verdict (with an optional remark)."""
        return cls(True, message)

    def __str__(self) -> str:
        return "PASS" + (f"  {self.message}" if self.message else "") if self.passed \
            else f"not yet: {self.message}"


class Problem(Exception):
    """Raised by a grader with the diagnosis the student reads."""


def where(error: BaseException) -> str:
    """Return 'line 7' for the last line of the student's file an error passed through."""
    path = STUDENT_FILE["path"]
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if (path and frame.filename == path) or "ipykernel" in frame.filename
              or frame.filename.startswith("<ipython")]
    return f"line {frames[-1].lineno}" if frames else ""


def describe_error(error: BaseException) -> str:
    """Return 'your code raised NameError at line 7: name 'x' is not defined' (one line,
    without TF's {{function_node ...}} and [Op:...] decorations).

    An error inside a tf.function carries the student's line in its message ('in user code:
    File ".../NAME.py", line 14'), not in the traceback: it is read from there, matching the
    file by name (AutoGraph may reuse a conversion of the same code from another folder).
    """
    import os
    import re

    from tfbasics._format import error_message

    if isinstance(error, EOFError):  # input(): a check has no keyboard, stdin is empty
        at = where(error)
        return (f"your code waited for input{' (input() at ' + at + ')' if at else ''}: a "
                f"check types nothing, so take values as arguments instead of asking for them")
    text = str(error)
    if "in user code:" in text or "Graph execution error" in text:
        name = re.escape(os.path.basename(STUDENT_FILE["path"])) or r"[^\"]*ipykernel[^\"]*"
        lines = re.findall(rf'File "(?:[^"]*/)?{name}", line (\d+)', text)
        kind = f"{type(error).__name__}: "
        stated = [line.strip() for line in text.splitlines() if line.strip().startswith(kind)]
        said = [line.removeprefix(kind) for line in stated] or [  # TF's own sentence first
            line.strip() for line in text.splitlines() if line.strip() and not line.strip(
            ).startswith(("File ", "[[", "in user code", "Graph execution error",
                          "Detected at", "See "))]
        when = "when its graph ran" if "Graph execution error" in text else "while TF traced it"
        if lines and said:
            return (f"your code raised {type(error).__name__} at line {lines[-1]} {when}: "
                    f"{said[-1]}").split(". ")[0].rstrip(".")
    message = error_message(error)
    if len(message) > 150:  # a paragraph (AutoGraph's, say): its first sentence says it
        message = message.split(". ")[0].rstrip(".")
    at = where(error)
    return (f"your code raised {type(error).__name__}{' at ' + at if at else ''}"
            + (f": {message}" if message else ""))


def require(student: dict, name: str, example: str) -> Any:
    """Return the function the student had to write, or a Problem saying to define it."""
    value = student.get(name)
    if value is None:
        raise Problem(f"define {example} in your file (it is missing)")
    if not callable(value):
        raise Problem(f"{name} should be a function, like {example}; it is a "
                      f"{type(value).__name__}")
    return value


def call(function: Callable[..., Any], *args: Any, what: str = "") -> Any:
    """Call the student's function; its exception becomes a Problem naming its line."""
    try:
        value = function(*args)
    except Problem:
        raise
    except Exception as error:  # noqa: BLE001 - the student's mistake, reported in a line
        text = str(error)
        if "value of type ellipsis" in text:  # a tf.function that returns the stub's ...
            raise Problem(f"{what or function.__name__} still returns ... as the exercise "
                          f"gave it: write your code there") from error
        if "Binding inputs to tf.function failed" in text:
            raise Problem(f"{what or function.__name__}'s input_signature refused the check's "
                          f"inputs: {_refused(text)}") from error
        raise Problem(describe_error(error)) from error  # a grader may look at the cause
    parts = value if isinstance(value, (tuple, list)) else [value]
    if any(part is Ellipsis or part is NotImplemented for part in parts):
        raise Problem(f"{what or function.__name__} still returns ... as the exercise gave it: "
                      f"write your code there")
    return value


def _refused(text: str) -> str:
    """Say in one line why an input_signature refused an input: 'it asks for a float64
    tensor of shape (None,), and the check passes a float32 one of shape (4,)'."""
    import re

    spec = r"TensorSpec\(shape=(\([^)]*\)|<unknown>|None), dtype=tf\.(\w+)"
    found = re.search(rf"Can not cast {spec}.*? to {spec}", text, re.S)
    if found:
        given_shape, given, wanted_shape, wanted = found.groups()
        return (f"it asks for a {wanted} tensor of shape {wanted_shape}, and the check passes "
                f"a {given} one of shape {given_shape}")
    said = text.split("due to", 1)[-1].strip(" `:").splitlines()[0]
    return said.split("`.")[0].split(". ")[0][:200]


def show(value: Any, digits: int = 4) -> str:
    """Format a number or array for a message: short, rounded."""
    array = np.asarray(value)
    if array.ndim == 0:
        return f"{float(array):.{digits}g}"
    return np.array2string(array, precision=digits, separator=", ", max_line_width=10_000,
                           threshold=12).replace("\n", "")  # a matrix on one line


def label(name: str, index: tuple[int, ...]) -> str:
    """Return 'w[1]' or 'w' for an element's position."""
    return f"{name}[{', '.join(map(str, index))}]" if index else name


def as_array(value: Any, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Return a student's value as a float64 array, or a Problem about its type or shape."""
    if value is None:
        raise Problem(f"{what} is None")
    try:
        array = np.asarray(value.numpy() if hasattr(value, "numpy") else value,
                           dtype=np.float64)
    except (TypeError, ValueError):
        raise Problem(f"{what} is a {type(value).__name__}, not numbers") from None
    if shape is not None and array.shape != shape:
        raise Problem(f"{what} has shape {array.shape}, but it should have shape {shape}")
    return array


def compare(got: Any, expected: np.ndarray, what: str, at: str, name: str = "",
            rtol: float = 1e-4, atol: float = 1e-6, reference: str = "it should be") -> None:
    """Raise a Problem naming the worst element unless got ≈ expected (elementwise): 'at x = 2
    dy/dx is wrong in dy[1]: 0.4 where it should be 1.1' (`reference` words the expectation)."""
    got = as_array(got, what, expected.shape)
    if not np.all(np.isfinite(got)):
        index = tuple(int(i) for i in np.argwhere(~np.isfinite(got))[0])
        raise Problem(f"at {at} {what} is {got[index]} in {label(name or 'element', index)}")
    error = np.abs(got - expected) - atol - rtol * np.abs(expected)
    if np.all(error <= 0):
        return
    if expected.ndim == 0:
        raise Problem(f"at {at} {what} is {show(got)} where {reference} {show(expected)}")
    index = tuple(int(i) for i in np.unravel_index(int(np.argmax(error)), expected.shape))
    raise Problem(f"at {at} {what} is wrong in {label(name or 'element', index)}: "
                  f"{show(got[index])} where {reference} {show(expected[index])}")


def points(rng: np.random.Generator, shape: Sequence[int] = (), count: int = 3,
           low: float = -2.0, high: float = 2.0) -> list[np.ndarray]:
    """Return `count` random points of `shape` in [low, high], rounded to 2 decimals (easy to
    read in a message), as float32 arrays."""
    return [np.round(rng.uniform(low, high, tuple(shape)), 2).astype(np.float32)
            for _ in range(count)]


def varied_shapes(rng: np.random.Generator) -> list[tuple[int, ...]]:
    """Return three shapes for an elementwise formula's points: a vector of 5 to 7 elements,
    a matrix, and a vector of 1 to 4, so a formula written out for one size cannot pass."""
    first, second = int(rng.integers(5, 8)), int(rng.integers(1, 5))  # past 4, then below
    matrix = (int(rng.integers(2, 4)), int(rng.integers(2, 4)))
    return [(first,), matrix, (second,)]


def at_point(names: Sequence[str], values: Sequence[Any]) -> str:
    """Return 'w = [0.3, -1.2]' or 'x = 1.5, y = 2.0' for a message."""
    return ", ".join(f"{name} = {show(value, 3)}" for name, value in zip(names, values,
                                                                      strict=True))


def grade_formula(f: Callable[..., Any], formula: Callable[..., Any], at: Sequence[Sequence[Any]],
                  names: Sequence[str]) -> None:
    """Check a formula for the gradient of f at several points with `check_gradient`.

    The tape, forward mode and finite differences judge it; a wrong formula gets 'at w = [...]
    your formula is wrong in w[1]: 0.4 where the tape gives 1.1', never the formula.
    """
    from tfbasics.gradcheck import check_gradient

    for point in at:
        where_ = at_point(names, point)

        def analytic(*values: Any) -> Any:  # fresh writable copies: the student's to change
            return call(formula, *(np.array(v, copy=True) for v in values),
                        what="your formula")

        agrees, tapes, mine = _against_the_tape(f, analytic, point)
        if agrees:
            continue  # check_gradient would pass it too: its tape is this tape
        if mine is not None and all(np.shape(m) == np.shape(t) for m, t in zip(
                mine, tapes, strict=True)):  # clearly wrong: said without finite differences
            _compare_with_tapes(names, tapes, mine, where_)
        try:
            check = check_gradient(f, *point, analytic=analytic)
        except Problem:
            raise
        except (TypeError, ValueError) as error:
            raise Problem(f"at {where_} your formula's result does not fit: "
                          f"{str(error).split(': return', 1)[0]}") from None
        if check.passed:
            continue
        expected = check.computed if len(names) > 1 else [check.computed]
        mine = analytic(*point)
        _compare_with_tapes(names, expected, list(mine) if len(names) > 1 else [mine], where_)
        raise Problem(f"at {where_} your formula disagrees with the tape: {check.blame}")


def _compare_with_tapes(names: Sequence[str], tapes: Sequence[Any], mine: Sequence[Any],
                        where_: str) -> None:
    """Raise 'your formula is wrong in w[1]: 0.4 where the tape gives 1.1' for the first
    argument whose formula is off by more than 1e-3 (relative) from the tape."""
    for name, tape, formula_value in zip(names, tapes, mine, strict=True):
        tape_values = np.asarray(tape, dtype=np.float64)
        compare(formula_value, tape_values, "your formula", where_, name,
                rtol=1e-3, atol=1e-5 * max(1.0, float(np.max(np.abs(tape_values),
                                                              initial=0.0))),
                reference="the tape gives")


def _against_the_tape(f: Callable[..., Any], analytic: Callable[..., Any],
                      point: Sequence[Any]) -> tuple[bool, list, list | None]:
    """Return (whether the formula matches the tape's gradient of f, in float64, to
    float32's rounding at this point; the tape's gradients; the formula's values, None when
    it raised). A match makes check_gradient's verdict a foregone PASS, so its finite
    differences are skipped (grading at many seeds stays quick); an error is left for
    check_gradient to call again and report."""
    import tensorflow as tf

    values = [tf.constant(np.asarray(v, np.float64)) for v in point]
    with tf.GradientTape() as tape:
        tape.watch(values)
        y = f(*values)
    tapes = [np.asarray(t, np.float64) for t in tape.gradient(y, values)]
    try:
        mine = analytic(*point)
        mine = list(mine) if len(point) > 1 else [mine]
        got = [np.asarray(m.numpy() if hasattr(m, "numpy") else m, np.float64) for m in mine]
    except Exception:  # noqa: BLE001 - check_gradient calls it again and reports it
        return False, tapes, None
    if len(got) != len(tapes):
        return False, tapes, None
    agrees = all(value.shape == expected.shape and np.allclose(
        value, expected, rtol=1e-5, atol=1e-6 * max(1.0, float(np.max(np.abs(expected),
                                                                   initial=0.0))))
        for value, expected in zip(got, tapes, strict=True))
    return agrees, tapes, mine


def syntax_tree(function: Callable[..., Any]) -> ast.AST | None:
    """Return the syntax tree of a function's source (None when it has none to read)."""
    try:
        return ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None


def _names(tree: ast.AST) -> set[str]:
    """Return every name and attribute a tree mentions (tf, GradientTape, run, numpy, ...)."""
    return {node.id if isinstance(node, ast.Name) else node.attr for node in ast.walk(tree)
            if isinstance(node, (ast.Name, ast.Attribute))}


def _body(function: Any) -> Any:
    """Return the Python function under a tf.function or a tf.custom_gradient (either order,
    stacked), or the value itself when it wraps none."""
    for _ in range(8):  # a few decorators deep at most
        inner = getattr(function, "python_function", None)
        if inner is None and getattr(function, "_tf_decorator", None) is not None:
            inner = getattr(function, "__wrapped__", None)
        if inner is None or inner is function:
            return function
        function = inner
    return function


def own_functions(function: Callable[..., Any], seen: list | None = None) -> list:
    """Return the function and the student's own functions it calls, directly or not (a
    helper in the same file, a tf.function's Python function), each once."""
    seen = [] if seen is None else seen
    function = _body(function)
    if any(function is own for own in seen) or not inspect.isfunction(function):
        return seen
    seen.append(function)
    tree = syntax_tree(function)
    known = getattr(function, "__globals__", {})
    for name in _names(tree) if tree is not None else ():
        value = _body(known.get(name))
        if inspect.isfunction(value) and value.__module__ == function.__module__:
            own_functions(value, seen)
    return seen


def mentions(function: Callable[..., Any]) -> set[str] | None:
    """Return what a function mentions: the names and attributes in its source and in the
    student's own functions it calls (a helper with the tape in it counts), plus for each
    global they use its own name and its package ("GradientTape" for `Tape =
    tf.GradientTape`, "tfbasics" for `from tfbasics import gradient`). None when there is no
    source to read."""
    names: set[str] = set()
    functions = own_functions(function)
    trees = [syntax_tree(f) for f in functions]
    if not functions or trees[0] is None:
        return None
    for own, tree in zip(functions, trees, strict=True):
        mentioned = _names(tree) if tree is not None else set()
        names |= mentioned
        known = getattr(own, "__globals__", {})
        for name in mentioned:
            value = known.get(name)  # `is`, never `in`: a student's tensor has its own ==
            if value is None or any(_body(value) is own for own in functions):
                continue
            names.add(str(getattr(value, "__name__", "")).split(".")[-1])
            origin = getattr(value, "__module__", None) or getattr(value, "__name__", "")
            names.add(str(origin).split(".")[0])
    return names - {""}


_TO_PYTHON = ("numpy_function", "py_function", "py_func")  # TF ops that run Python code


def _numpy_used(function: Callable[..., Any]) -> bool:
    """Tell whether a function (or a helper of the student's it calls) leaves TF for NumPy:
    `.numpy()`, or a name that is NumPy or comes from it (np, numpy, `from numpy import
    subtract`), not TF's own tf.experimental.numpy."""
    for own in own_functions(function):
        tree = syntax_tree(own)
        if tree is None:
            continue
        known = getattr(own, "__globals__", {})
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "numpy":
                return True
            if getattr(node, "attr", getattr(node, "id", "")) in _TO_PYTHON:
                return True  # tf.numpy_function hands the tensors to NumPy
            if isinstance(node, ast.Name) and node.id in known:
                value = known[node.id]
                origin = getattr(value, "__module__", None) or getattr(value, "__name__", "")
                if str(origin).split(".")[0] == "numpy":
                    return True
    return False


def no_python_loops(function: Callable[..., Any], name: str) -> None:
    """Raise a Problem when the function (or a helper of the student's it calls) loops in
    Python (for, while, comprehensions, map, filter, calling itself) or leaves TF for NumPy
    (.numpy(), np.)."""
    for own in own_functions(function):
        tree = syntax_tree(own)
        if tree is None:
            continue  # no source to read: nothing to say
        loops = [node.lineno for node in ast.walk(tree)
                 if isinstance(node, (ast.For, ast.While, ast.ListComp, ast.GeneratorExp,
                                      ast.DictComp, ast.SetComp))
                 or isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                 and node.func.id in ("map", "filter", own.__name__)]
        if loops:
            where = "" if own is function else f" of {own.__name__}, which it calls"
            raise Problem(f"{name} loops in Python (line {min(loops)} of the function{where}): "
                          f"use TF ops on whole tensors instead, which is the point of the "
                          f"puzzle")
    if _numpy_used(function):
        raise Problem(f"{name} goes through NumPy: do it with TF ops on the tensors, which "
                      f"is the point of the puzzle")


_ASKS = ("gradient", "jacobian", "batch_jacobian")  # what a tf.GradientTape can be asked


def _asking(answer: Callable[[Any], Any], function: Callable[..., Any], *args: Any) -> Any:
    """Call function(*args) with every question to a tf.GradientTape (tape.gradient, .jacobian,
    .batch_jacobian) passed through `answer(result)`, the student's own questions only: the
    ones TF asks inside a jacobian are left alone. tf.functions run eagerly meanwhile, so their
    Python runs on every call. Returns what function returned."""
    import tensorflow as tf

    originals = {name: getattr(tf.GradientTape, name) for name in _ASKS}
    depth = [0]

    def wrapped(original: Callable[..., Any]) -> Callable[..., Any]:
        def asked(self: Any, *a: Any, **k: Any) -> Any:
            depth[0] += 1
            try:
                result = original(self, *a, **k)
            finally:
                depth[0] -= 1
            return answer(result) if depth[0] == 0 else result
        return asked

    for name, original in originals.items():
        setattr(tf.GradientTape, name, wrapped(original))
    eager = tf.config.functions_run_eagerly()
    tf.config.run_functions_eagerly(True)  # a tf.function's Python runs, and is seen
    try:
        return call(function, *args)
    finally:
        tf.config.run_functions_eagerly(eager)
        for name, original in originals.items():
            setattr(tf.GradientTape, name, original)


def tape_calls(function: Callable[..., Any], *args: Any) -> int:
    """Call function(*args) and return how many times it asked a tf.GradientTape for a
    gradient (tape.gradient, .jacobian, .batch_jacobian; a jacobian is one question, whatever
    TF asks inside it): a tape that is only mentioned, or made and never asked, counts for
    nothing."""
    count = [0]

    def counted(result: Any) -> Any:
        count[0] += 1
        return result

    _asking(counted, function, *args)
    return count[0]


def tape_scaled(function: Callable[..., Any], *args: Any,
                factor: float = 2.0) -> tuple[Any, int]:
    """Call function(*args) with every answer a tape gives it multiplied by `factor`; return
    its result and how many questions it asked the tapes (as `tape_calls` counts them). A
    value that really comes from the tapes scales with them (a second derivative, got from a
    tape's gradient of a tape's gradient, by factor²); a closed form written beside an unused
    tape does not."""
    import tensorflow as tf

    count = [0]

    def scaled(result: Any) -> Any:
        count[0] += 1

        def times(value: Any) -> Any:
            if value is None:
                return None
            if isinstance(value, tf.IndexedSlices):
                value = tf.convert_to_tensor(value)
            return value * tf.cast(factor, value.dtype)
        return tf.nest.map_structure(times, result)

    return _asking(scaled, function, *args), count[0]


def uses(function: Callable[..., Any], name: str, needed: Sequence[str], what: str) -> None:
    """Raise a Problem unless the function's source mentions each of `needed` (names or
    attributes, e.g. "GradientTape"): the exercise asks for a technique, not only a result.
    `what` says it: "records the gradient on a tf.GradientTape"."""
    names = mentions(function)
    if names is not None and not set(needed) <= names:
        raise Problem(f"the exercise asks that {name} {what}; yours gives its result another "
                      f"way")


def avoids(function: Callable[..., Any], name: str, banned: Sequence[str], what: str) -> None:
    """Raise a Problem when the function mentions any of `banned` (see `uses`; a package name
    such as "tfbasics" bans everything taken from it)."""
    names = mentions(function)
    if names is not None and names & set(banned):
        raise Problem(f"the exercise asks that {name} {what}")


def split_cpu_in_two() -> None:
    """Split the CPU into two logical devices (an exercise's `configure()` for the devices
    lesson); TF allows it only before it starts its devices, and raises RuntimeError after."""
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    if tf.config.get_logical_device_configuration(cpu) is None:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def two_cpus(name: str) -> list[str]:
    """Return the names of two logical CPUs, or raise a Problem that says how to get them."""
    import tensorflow as tf

    try:
        split_cpu_in_two()  # in a notebook: works if TF has not started its devices yet
    except RuntimeError:
        pass  # too late to split the CPU: said below
    cpus = [device.name for device in tf.config.list_logical_devices("CPU")]
    if len(cpus) < 2:
        raise Problem(f"this exercise needs two logical CPUs, which TF can make only before "
                      f"it starts its devices: run `python -m tfbasics.exercises check {name}`"
                      f", or check it first thing in a fresh notebook kernel")
    return cpus[:2]


def article(noun: str) -> str:
    """Return 'an' or 'a' for a type's name: 'an ndarray', 'an int', 'a list'."""
    return "an" if noun[0].lower() in "aeiou" or noun == "ndarray" else "a"


def require_tensor(value: Any, what: str, how: str) -> None:
    """Raise a Problem unless `value` is a TF tensor: "{what} returns a list, not a
    tf.Tensor: {how}" (a puzzle asks for TF ops, not NumPy or Python)."""
    import tensorflow as tf

    if not tf.is_tensor(value):
        noun = type(value).__name__
        raise Problem(f"{what} returns {article(noun)} {noun}, not a tf.Tensor: {how}")
