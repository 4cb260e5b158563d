"""The terminal view: each lesson as TF code, TF's own output and one-line verified claims.

`View` prints with rich: colours on a terminal (and into a pager), none when piped or with
NO_COLOR. Code is printed as it is written, never re-wrapped: a narrower terminal soft-wraps
a long line, as `less` does. `--brief` prints the claims only.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from typing import IO, Any

from tfbasics.course.report import LessonResult, Section

_CODE = re.compile(r"`([^`]+)`")
_TRAILING = re.compile(r" +((?:\x1b\[[0-9;]*m)*)(?=\n|$)")


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


def _pad(renderable: Any, left: int, top: int = 0, bottom: int = 0) -> Any:
    """Return a renderable indented by `left`, without the trailing spaces rich's Padding
    would fill each line with."""
    from rich.padding import Padding

    return Padding(renderable, (top, 0, bottom, left), expand=False)


def _code(code: str, indent: int = 4) -> Any:
    """Return Python source highlighted (plain when colours are off), each line as written."""
    from rich.syntax import Syntax
    from rich.text import Text

    text = Syntax(code, "python", theme="ansi_dark", background_color="default").highlight(code)
    text.rstrip()
    out = Text()
    for line in text.split("\n"):
        out.append_text(Text(" " * indent) + line)
        out.append("\n")
    out.rstrip()
    return out


class _Trimmed:
    """A text file that drops the spaces rich pads lines with, before each line's end."""

    def __init__(self, file: IO[str]) -> None:
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
    """Let a closed pipe (`| head`, a pager quit early) reach the runner."""
    raise BrokenPipeError


class View:
    """Prints a run: each lesson as a lesson, or (brief) its claims only."""

    def __init__(self, brief: bool = False, show_code: bool = False,
                 file: IO[str] | None = None, colour: bool | None = None) -> None:
        from rich.console import Console

        plain = bool(os.environ.get("NO_COLOR"))
        target = file if file is not None else sys.stdout
        force = colour and not plain
        width = None if file is None else shutil.get_terminal_size().columns
        self.out = Console(file=_Trimmed(target), highlight=False, emoji=False, width=width,
                           color_system=None if plain else "auto",
                           force_terminal=True if force else None)
        self.out.on_broken_pipe = _reraise  # rich would exit 1, which means "a check failed"
        interactive = sys.stderr.isatty() and not plain and file is None
        self.err = Console(stderr=True, highlight=False) if interactive else None
        self.brief, self.show_code = brief, show_code
        self.shown: set[str] = set()  # the lesson's definitions printed so far, once each

    def header(self, header: dict, device: str) -> None:
        """Print the versions and devices, device names short."""
        from tfbasics.devices import short_name

        seen = ", ".join(short_name(d) for d in header["devices"])
        self.out.print(f"tfbasics · TensorFlow {header['tensorflow']} · NumPy "
                       f"{header['numpy']} · running on {short_name(device)} (TF sees {seen})")

    def contents(self, outlines: list[Any]) -> None:
        """Print the table of contents: each lesson, its examples and its guide page."""
        from rich.text import Text

        if self.brief or not outlines:
            return
        self.out.print()
        self.out.print(Text("Contents", style="bold"))
        for o in outlines:
            guide = o.guide.split(" ", 1)[-1] if o.guide else ""
            self.out.print(_pad(Text.assemble((f"{o.number} · {o.title}", "bold"),
                                              f"  {len(o.examples)} examples"), 2))
            if guide:
                self.out.print(_pad(Text(guide, style="dim"), 6))

    def lesson(self, outline: Any) -> None:
        """Print a lesson's title, introduction, guide link and imports (title only, brief)."""
        from rich.rule import Rule
        from rich.text import Text

        self.out.print()
        self.shown = set()
        if self.brief:
            self.out.print(Text(f"{outline.name} — {outline.title}", style="bold"))
            return
        self.out.print(Rule(Text(f"{outline.number} · {outline.title}", style="bold"),
                            align="left", characters="─"))
        self.out.print(_pad(_prose(outline.introduction), 0, top=1))
        if outline.guide:  # under the introduction, as its source
            self.out.print(_pad(_prose(outline.guide, style="dim"), 0))
        if outline.imports:
            self.out.print(_pad(Text("Every example below runs after these imports:",
                                     style="dim"), 2, top=1, bottom=1))
            self.out.print(_code(outline.imports), soft_wrap=True)

    def example(self, outline: Any, example: Any) -> None:
        """Print an example's heading, explanation and code (only the code with show_code)."""
        if self.brief and not self.show_code:
            return
        from rich.text import Text

        self.out.print()
        self.out.print(Text(f"{outline.number}.{example.number}  {example.heading}",
                            style="bold"))
        if not self.brief:
            summary, _, rest = example.prose.partition("\n\n")
            self.out.print(_pad(_prose(summary), 2))  # the summary line, then the rest under it
            if rest.strip():
                self.out.print(_pad(_prose(rest), 2))
            self.out.print()
        helpers = [code for _, code in example.helpers if code not in self.shown]
        for code in helpers:  # the lesson's own definitions this example uses, once each
            self.out.print(_code(code), soft_wrap=True)
            self.out.print()
            self.shown.add(code)
        if example.code:
            self.out.print(_code(example.code), soft_wrap=True)

    def running(self, label: str) -> Any:
        """Return a context that shows what is running on a terminal's stderr (transient)."""
        import contextlib

        if self.err is None:
            return contextlib.nullcontext()
        return self.err.status(f"{label} …", spinner="line")

    def results(self, section: Section) -> None:
        """Print an example's output, then its claims, figure or error."""
        from rich.text import Text

        if section.output and not self.brief:  # as IPython labels a cell's output
            first, *rest = section.output.rstrip("\n").split("\n")
            self.out.print(Text.assemble(("  Out ", "dim bold"), first), soft_wrap=True)
            for line in rest:  # under the first, as printed; a blank line stays blank
                self.out.print(Text(" " * 6 + line if line else ""), soft_wrap=True)
        if not self.brief or self.show_code:
            self.out.print()
        shown = section.output if section.output and not self.brief else ""
        for check in section.checks:
            mark, rest = check.claim().split(" ", 1)
            style = "bold green" if check.passed else "bold red"
            self.out.print(_pad(Text.assemble((mark, style), " ", rest), 2))
            # A passing check's note that the output above already shows (TF's error
            # message, say) is not printed twice; a failing check's note always is.
            note = check.note.strip()
            repeated = check.passed and len(note) >= 20 and note in shown
            extras = [(check.note, "dim")] if check.note and not repeated else []
            extras += [(check.timing, "dim")] if check.timing else []
            for text, extra_style in extras:
                self.out.print(_pad(Text(text, style=extra_style), 4))
        if section.figure is not None:
            self.out.print(_pad(Text.assemble(("figure", "bold"), f"  {section.figure}"), 2))
        if section.error is not None:
            self.out.print(_pad(Text.assemble(("ERROR", "bold red"), f"  {section.error}"), 2))
        self.out.file.flush()  # a pipe (tee, less) sees each example as it finishes

    def practice(self, name: str) -> None:
        """Print the exercises that go with a lesson and the command that starts the first."""
        from rich.text import Text

        if self.brief:
            return
        try:
            from tfbasics.exercises import catalogue

            exercises = [e for e in catalogue() if e.lesson == name]
        except ValueError:  # a teacher's folder that does not read: the exercises say why
            return
        if not exercises:
            return
        self.out.print()
        self.out.print(_pad(Text(f"Practice: {len(exercises)} exercises", style="bold"), 2))
        for exercise in exercises:
            self.out.print(_pad(Text.assemble((exercise.name, "cyan"), f"  {exercise.task}"),
                                4))
        self.out.print(_pad(Text.assemble("start the first: ", (
            f"python -m tfbasics.exercises start {exercises[0].name}", "bold")), 2))

    def lesson_error(self, result: LessonResult) -> None:
        """Print an error that stopped a whole lesson (it could not load)."""
        from rich.text import Text

        if result.error and not result.sections:
            self.out.print(_pad(Text.assemble(("ERROR", "bold red"), f"  {result.error}"), 2))

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
                self.out.print(_pad(Text(problem), 2))
        totals = f"{passed} passed, {failed} failed"
        totals += f", {errors} error{'s' if errors != 1 else ''}" if errors else ""
        self.out.print(Text(totals, style="bold green" if not problems else "bold red"))
