"""The report: lesson results as a lesson to read, a brief check list, JSON, notebook output.

`Section` and `LessonResult` are the records `tfbasics.lessons.run` fills. `View` prints them
on a terminal with rich (colours only on a terminal, none when piped or with NO_COLOR; every
line fitted to the width); `to_json` gives the runner's `--json` document; `show` and
`show_figure` print an example's results inside a notebook.
"""

from __future__ import annotations

import io
import math
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tfbasics.checks import Check, _describe_values, _to_numpy


@dataclass
class Section:
    """One example's part of a lesson run: its checks or figure, or the error it raised."""

    example: str
    checks: list[Check] = field(default_factory=list)
    figure: Path | None = None
    error: str | None = None


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
    """Return the whole run as the runner's JSON document.

    Per lesson: its checks (each naming its example), its figures, the first error, and (new)
    `examples`, one entry per example run with its name, error and figure. `errors` counts
    the lessons with an error, `example_errors` (new) the examples that raised.
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
                              "checks": len(section.checks)}
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
    """Print an example's checks in a notebook cell: verdict, computed beside expected, note."""
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


# --- the terminal ----------------------------------------------------------------------------

_CODE = re.compile(r"`([^`]+)`")


def _prose(text: str, style: str = "") -> Any:
    """Return prose as rich Text, `code` in its own style, lines joined into paragraphs."""
    from rich.text import Text

    joined = "\n\n".join(" ".join(p.split()) for p in text.split("\n\n") if p.strip())
    out = Text(style=style, overflow="fold")
    position = 0
    for match in _CODE.finditer(joined):
        out.append(joined[position:match.start()])
        out.append(match.group(1), style="bold cyan")
        position = match.end()
    out.append(joined[position:])
    return out


def _pad(renderable: Any, pad: tuple[int, int, int, int]) -> Any:
    """Return a renderable indented by `pad` (top, right, bottom, left), without trailing
    spaces: rich's Padding would fill each line to the full width."""
    from rich.padding import Padding

    return Padding(renderable, pad, expand=False)


def _break_points(code: str) -> dict[int, list[tuple[int, str]]]:
    """Return, per line of Python source (0-based), where it may break and stay Python:
    before a token inside brackets ("implicit"), before a token outside them with a
    backslash ("backslash"), or at a space inside a comment ("comment", the rest a comment
    of its own). Never inside a string. Empty when the source does not tokenize."""
    import tokenize

    points: dict[int, list[tuple[int, str]]] = {}
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            row, col = token.start[0] - 1, token.start[1]
            if token.type == tokenize.COMMENT:
                points.setdefault(row, []).extend(
                    (col + k, "comment") for k, c in enumerate(token.string) if c == " ")
                continue
            if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                              tokenize.ENDMARKER):
                continue
            opening = re.match(r"[A-Za-z]*(['\"])", token.string)
            if (token.type == tokenize.STRING and token.start[0] == token.end[0] and opening
                    and not token.string.startswith(opening.group(0) + opening.group(1) * 2)):
                # a string on one line splits in two literals side by side, which Python
                # joins: "a b" → "a " "b" (inside brackets, or with a backslash)
                where = "in" if depth > 0 else "out"
                text, head = token.string, opening.group(0)
                points.setdefault(row, []).extend(
                    (col + k + 1, f"string {where} {head}")
                    for k, c in enumerate(text[:-1]) if c == " " and k >= len(head) and (
                        "f" not in head.lower() or text[:k].count("{") == text[:k].count("}")))
            if col > 0:  # before this token: inside brackets, or not
                points.setdefault(row, []).append((col, "implicit" if depth > 0 else
                                                   "backslash"))
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return {}
    return points


def _pieces(plain: str, points: list[tuple[int, str]], room: int) -> list[tuple]:
    """Split one line into (start, end, prefix, suffix, lead) pieces that fit `room`: the
    first as it is, each continuation indented 4 more than the line, a comment's
    continuation starting "# ", a break outside brackets ending in a backslash."""
    indent = len(plain) - len(plain.lstrip(" "))
    pieces, start, prefix, lead = [], 0, "", 0
    while True:
        if lead + len(prefix) + len(plain) - start <= room:
            pieces.append((start, len(plain), prefix, "", lead))
            return pieces
        fits = [(col, kind) for col, kind in points
                if start + 1 <= col and plain[start:col].strip()
                and lead + len(prefix) + len(plain[start:col] if kind.startswith("string")
                                             else plain[start:col].rstrip())
                + len(_ending(kind)) <= room]
        spaced = [(col, kind) for col, kind in fits if plain[col - 1] == " "]
        if spaced or fits:  # after a space where it can, as a person would break it
            cut, kind = max(spaced or fits)
        else:  # nothing Python allows fits: break at a space (or in a word) to stay in room
            limit = max(start + room - lead - len(prefix), start + 1)
            cut = plain.rfind(" ", start + 1, limit + 1)
            cut, kind = (cut if cut > start else limit), "text"
        pieces.append((start, cut, prefix, _ending(kind), lead))
        if not kind.startswith("string"):
            cut += len(plain[cut:]) - len(plain[cut:].lstrip(" "))
        start = cut
        prefix = ("# " if kind == "comment" else kind.split()[-1] if kind.startswith("string")
                  else "")
        lead = indent + 4


def _ending(kind: str) -> str:
    """Return what ends a piece broken at a point of this kind: a backslash outside brackets,
    the string's quote where a string splits (and a backslash outside brackets)."""
    if kind == "backslash":
        return " \\"
    if kind.startswith("string"):
        _, where, opening = kind.split()
        return opening[-1] + (" \\" if where == "out" else "")
    return ""


def _code(code: str, width: int) -> Any:
    """Return Python source as rich Text, indented 4, highlighted (plain when colours are
    off) and fitted to `width`: a line too long breaks where Python allows it (inside
    brackets, or with a backslash; a comment goes on as a comment, a string as two literals
    side by side), its continuation indented 4 more than the line, so what is shown is still
    Python (from 80 columns up; narrower, a piece nothing can split breaks where it must)."""
    from rich.syntax import Syntax
    from rich.text import Text

    text = Syntax(code, "python", theme="ansi_dark", background_color="default").highlight(code)
    text.rstrip()
    out = Text()
    room = max(width - 4, 24)
    points = _break_points(code)
    for row, line in enumerate(text.split("\n")):
        for start, end, prefix, suffix, lead in _pieces(line.plain, points.get(row, []), room):
            piece = line[start:end]
            if not suffix.startswith(("'", '"')):  # a split string keeps its space
                piece.rstrip()
            out.append_text(Text("    " + " " * lead + prefix) + piece + Text(suffix))
            out.append("\n")
    out.rstrip()
    return out


_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)(?=\n|$)")


class _Trimmed:
    """A text file that drops the spaces rich pads lines with, before each line's end."""

    def __init__(self, file: Any) -> None:
        self.file = file

    def write(self, text: str) -> int:
        """Write `text` without trailing spaces on its lines."""
        return self.file.write(_TRAILING.sub(r"\1", text))

    def flush(self) -> None:
        """Flush the file underneath."""
        self.file.flush()

    def isatty(self) -> bool:
        """Tell whether the file underneath is a terminal."""
        return self.file.isatty()

    def fileno(self) -> int:
        """Return the file descriptor underneath (rich asks it for the terminal's size)."""
        return self.file.fileno()


def _reraise() -> None:
    """Let a closed pipe (`| head`) reach the runner, which exits 141 as other tools do."""
    raise BrokenPipeError


class View:
    """Prints a run on the terminal: each lesson as a lesson, or (brief) its checks only."""

    def __init__(self, brief: bool = False, show_code: bool = False) -> None:
        from rich.console import Console

        plain = bool(os.environ.get("NO_COLOR"))
        self.out = Console(file=_Trimmed(sys.stdout), highlight=False, emoji=False,
                           soft_wrap=False, color_system=None if plain else "auto")
        self.out.on_broken_pipe = _reraise  # rich would exit 1, which means "a check failed"
        interactive = sys.stderr.isatty() and not plain
        self.err = Console(stderr=True, highlight=False) if interactive else None
        self.brief, self.show_code = brief, show_code
        self.shown: set[str] = set()  # the lesson's helpers printed so far, once each

    def header(self, header: dict, device: str) -> None:
        """Print the versions and devices, device names short."""
        from tfbasics.devices import short_name

        seen = ", ".join(short_name(d) for d in header["devices"])
        self.out.print(f"tfbasics · TensorFlow {header['tensorflow']} · NumPy "
                       f"{header['numpy']} · running on {short_name(device)} (TF sees {seen})")

    def lesson(self, outline: Any) -> None:
        """Print a lesson's title and introduction (the title only, when brief)."""
        from rich.rule import Rule
        from rich.text import Text

        self.out.print()
        self.shown = set()
        if self.brief:
            self.out.print(Text(f"{outline.name} — {outline.title}", style="bold"))
            return
        self.out.print(Rule(Text(f"{outline.number} · {outline.title}", style="bold"),
                            align="left", characters="─"))
        self.out.print(_pad(_prose(outline.introduction), (1, 0, 0, 0)))
        if outline.guide:
            self.out.print(_pad(_prose(outline.guide, style="dim"), (1, 0, 0, 0)))

    def example(self, outline: Any, example: Any) -> None:
        """Print an example's heading, explanation and code (only the code with show_code)."""
        if self.brief and not self.show_code:
            return
        from rich.text import Text

        self.out.print()
        self.out.print(Text(f"{outline.number}.{example.number}  {example.heading}",
                            style="bold"))
        if not self.brief:
            self.out.print(_pad(_prose(example.prose), (0, 0, 1, 2)))
        helpers = [(names, code) for names, code in example.helpers if code not in self.shown]
        if helpers:  # the lesson's own definitions this example uses, the first time
            self.out.print(_pad(Text(f"defined in {outline.path.name}, used below:",
                                     style="dim"), (0, 0, 0, 4)))
            for _, code in helpers:
                self.out.print(_code(code, self.out.width), soft_wrap=True)
                self.out.print()
                self.shown.add(code)
        self.out.print(_code(example.code, self.out.width), soft_wrap=True)

    def running(self, label: str) -> Any:
        """Return a context that shows what is running on a terminal's stderr (transient)."""
        import contextlib

        if self.err is None:
            return contextlib.nullcontext()
        return self.err.status(f"{label} …", spinner="line")

    def results(self, section: Section) -> None:
        """Print an example's verified results, figure or error."""
        from rich.text import Text

        if not self.brief or self.show_code:
            self.out.print()
        for check in section.checks:
            mark = ("PASS", "bold green") if check.passed else ("FAIL", "bold red")
            self.out.print(_pad(Text.assemble(mark, "  ", check.name), (0, 0, 0, 2)))
            lines = [(line, "dim") for line in _describe_values(check, self.out.width - 8)]
            lines += [(check.note, "")] if check.note else []
            lines += [(check.timing, "dim")] if check.timing else []
            for text, style in lines:
                self.out.print(_pad(Text(text, style=style, overflow="fold"), (0, 0, 0, 8)))
        if section.figure is not None:
            self.out.print(_pad(Text.assemble(("figure", "bold"), f"  {section.figure}"),
                                (0, 0, 0, 2)))
        if section.error is not None:
            self.out.print(_pad(Text.assemble(("ERROR", "bold red"), f"  {section.error}",
                                              overflow="fold"), (0, 0, 0, 2)))
        self.out.file.flush()  # a pipe (tee, less) sees each example as it finishes

    def lesson_error(self, result: LessonResult) -> None:
        """Print an error that stopped a whole lesson (it could not load)."""
        from rich.text import Text

        if result.error and not result.sections:
            self.out.print(_pad(Text.assemble(("ERROR", "bold red"), f"  {result.error}",
                                              overflow="fold"), (0, 0, 0, 2)))

    def summary(self, results: list[LessonResult]) -> None:
        """Print every failing check and every error, then the totals."""
        from rich.text import Text

        problems = []
        for result in results:
            if result.error and not result.sections:
                problems.append(f"{result.name}: the lesson could not run: {result.error}")
            for section in result.sections:
                if section.error:
                    problems.append(f"{result.name} › {section.example}: {section.error}")
                problems += [f"{result.name} › {section.example} › {check.name}"
                             for check in section.checks if not check.passed]
        passed = sum(result.passed for result in results)
        failed = sum(result.failed for result in results)
        errors = sum(section.error is not None for result in results
                     for section in result.sections) + sum(
            bool(result.error and not result.sections) for result in results)
        self.out.print()
        if problems:
            self.out.print(Text("What did not pass:", style="bold red"))
            for problem in problems:
                self.out.print(_pad(Text(problem, overflow="fold"), (0, 0, 0, 2)))
        totals = f"{passed} passed, {failed} failed"
        totals += f", {errors} error{'s' if errors != 1 else ''}" if errors else ""
        style = "bold green" if not problems else "bold red"
        self.out.print(Text(totals, style=style))
