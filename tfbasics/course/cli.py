"""The runner's command line: python -m tfbasics.lessons [NAME ...] [--brief] [--json] [--list]."""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tfbasics.course import lesson as lessons
from tfbasics.devices import DEVICE_CHOICES
from tfbasics.lessons import COURSE

EXAMPLES = """examples:
  python -m tfbasics.lessons                            the whole course, as lessons to read
  python -m tfbasics.lessons autodiff graphs            two lessons, in that order
  python -m tfbasics.lessons autodiff.persistent_tape   one example
  python -m tfbasics.lessons --brief                    only the checks, for a quick test
"""


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print one line naming the mistake, then exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> Parser:
    """Return the runner's command-line parser."""
    parser = Parser(prog="python -m tfbasics.lessons", epilog=EXAMPLES,
                    formatter_class=argparse.RawDescriptionHelpFormatter,
                    description="TensorFlow's fundamentals as lessons you run: each example's "
                                "explanation, its code, and its results checked against an "
                                "independent answer.")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="lessons (or lesson.example) to run, in the order given; default: "
                             "the whole course (see --list); any case")
    parser.add_argument("--list", action="store_true",
                        help="list the lessons: number, name, examples, title (JSON with --json)")
    parser.add_argument("--brief", action="store_true",
                        help="print only each example's checks, no explanations or code")
    parser.add_argument("--show-code", action="store_true",
                        help="with --brief: print each example's code above its checks too")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document instead of text")
    parser.add_argument("--no-pager", action="store_true",
                        help="print straight to the terminal; by default a run of more than "
                             "one lesson goes through a pager ($PAGER, else less -R)")
    parser.add_argument("--figures", type=Path, default=Path("figures"), metavar="DIR",
                        help="folder for the figures (default: ./figures)")
    parser.add_argument("--no-figures", action="store_true", help="do not draw figures")
    parser.add_argument("--device", choices=DEVICE_CHOICES, default="auto",
                        help="where TF runs: auto (a GPU if TF sees one), cpu or gpu")
    parser.add_argument("--export-notebooks", type=Path, metavar="DIR",
                        help="write one Jupyter notebook per lesson (and one of its exercises) "
                             "into DIR and stop")
    return parser


def suggestion(word: str, choices: list[str]) -> str:
    """Return ' (did you mean X?)' for the closest choice, or ''."""
    close = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=1,
                                      cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean {next(c for c in choices if c.lower() == close[0])}?)"


def resolve(names: list[str]) -> list[tuple[str, list[str] | None]]:
    """Return [(lesson, examples or None for all)] in the order typed, names in any case.

    Raises LookupError with a did-you-mean for an unknown lesson or example.
    """
    by_lower = {name.lower(): name for name in COURSE}
    by_lower |= {str(number): name for number, name in enumerate(COURSE, 1)}
    chosen: dict[str, list[str] | None] = {}
    for typed in names:
        lesson_part, _, example_part = typed.partition(".")
        lesson = by_lower.get(lesson_part.lower())
        if lesson is None:
            raise LookupError(f"unknown lesson {lesson_part!r}"
                              f"{suggestion(lesson_part, list(COURSE))}; lessons: "
                              f"{', '.join(COURSE)}")
        if not example_part:
            chosen[lesson] = None
            continue
        examples = [example.name for example in lessons.outline(lesson).examples]
        known = {e.lower(): e for e in examples} | {str(k): e for k, e in enumerate(examples, 1)}
        example = known.get(example_part.lower())
        if example is None:
            hint = suggestion(example_part, examples).replace("mean ", f"mean {lesson}.")
            raise LookupError(f"unknown example {typed!r}{hint}; `--list {lesson}` shows "
                              f"{lesson}'s {len(examples)} examples")
        if lesson not in chosen or chosen[lesson] is not None:
            chosen[lesson] = [*(chosen.get(lesson) or []), example]
    return list(chosen.items()) or [(name, None) for name in COURSE]


def list_lessons(as_json: bool, names: list[str] | None = None) -> None:
    """Print the course: one lesson a line, aligned, or as JSON; given lessons' names, their
    examples, one a line, with the number and the name that run each."""
    outlines = [lessons.outline(name) for name in COURSE]
    if names and not as_json:
        for o in (lessons.outline(name) for name in names):
            print(f"{o.number}  {o.title}  ({o.name})")
            width = max(len(f"{o.name}.{e.name}") for e in o.examples)
            for e in o.examples:
                print(f"  {o.number}.{e.number:<3} {o.name + '.' + e.name:<{width}}  "
                      f"{e.heading}")
        return
    if as_json:
        print(json.dumps([{"number": o.number, "name": o.name, "title": o.title,
                           "guide": o.guide.split(" ", 1)[-1],
                           "examples": [e.name for e in o.examples]} for o in outlines],
                         indent=2))
        return
    width = max(len(o.name) for o in outlines)
    print(f" #  {'lesson':<{width}}  examples  title")
    for o in outlines:
        print(f"{o.number:>2}  {o.name:<{width}}  {len(o.examples):>8}  {o.title}")


def export_notebooks(parser: Parser, folder: Path, names: list[str]) -> int:
    """Write the notebooks, or answer a usage mistake with one line and exit 2."""
    try:
        from tfbasics.course import notebooks
        from tfbasics.exercises import notebooks as exercise_notebooks

        figures_folder(folder)  # a folder, not a file
        for path in notebooks.export(folder, names) + exercise_notebooks.export(folder, names):
            print(f"wrote {path}")
    except ImportError:
        parser.error("--export-notebooks needs nbformat: pip install 'tfbasics[notebooks]'")
    except (ValueError, OSError) as error:
        parser.error(f"--export-notebooks {folder}: {error}")
    return 0


def start_tensorflow(device: str, names: list[str]) -> tuple[str, dict]:
    """Import TF (quietly unless TF_CPP_MIN_LOG_LEVEL is set), pick the device, describe both."""
    from tfbasics.quiet import import_tensorflow_quietly, quiet, quiet_stderr

    hide = quiet()
    tf = import_tensorflow_quietly()
    with quiet_stderr() if hide else contextlib.nullcontext():
        import numpy as np

        from tfbasics.devices import choose_device, visible_devices

        if device == "cpu":  # hide GPUs, so even an explicit tf.device("GPU:0") runs on CPU
            tf.config.set_visible_devices(tf.config.list_physical_devices("CPU"))
        lessons.configure(names)  # e.g. two logical CPUs: only possible before devices start
        try:
            chosen = choose_device(device)
        except RuntimeError as error:
            no_device = error  # a user's mistake: raised below, without TF's start-up lines
        else:
            no_device = None
            header = {"tensorflow": tf.__version__, "numpy": np.__version__, "device": chosen,
                      "devices": visible_devices()}
    if no_device is not None:
        raise no_device
    return chosen, header


def figures_folder(path: Path) -> Path:
    """Return a folder to write into; raise ValueError if it or a parent is a file."""
    for parent in (path, *path.parents):
        if parent.exists() and not parent.is_dir():
            raise ValueError(f"{parent} is a file, not a folder; choose a folder")
    return path


def prepare_figures(parser: Parser, args: argparse.Namespace) -> Path | None:
    """Return the figures folder, made and writable, or None with --no-figures."""
    if args.no_figures:
        return None
    try:
        folder = figures_folder(args.figures)
        folder.mkdir(parents=True, exist_ok=True)
    except ValueError as error:
        parser.error(f"--figures {args.figures}: {error}")
    except OSError as error:
        parser.error(f"--figures {args.figures}: cannot create it ({error.strerror})")
    try:
        tempfile.TemporaryFile(dir=folder).close()  # root ignores permission bits
    except OSError:
        parser.error(f"--figures {folder}: the folder is not writable; choose another")
    return folder


def start_pager() -> subprocess.Popen | None:
    """Start the reader's pager ($PAGER, else `less`; LESS=FRX unless set, as git does: quit
    when it fits one screen, keep colours); None where it cannot start."""
    command = shlex.split(os.environ.get("PAGER") or "less")
    if not command:
        return None
    try:
        return subprocess.Popen(command, stdin=subprocess.PIPE, text=True, encoding="utf-8",
                                env={"LESS": "FRX", **os.environ})
    except OSError:
        return None


def run_course(parser: Parser, args: argparse.Namespace,
               selection: list[tuple[str, list[str] | None]]) -> int:
    """Run the chosen lessons, printing each as it runs (or JSON at the end); exit code.

    On a terminal, a run of more than one lesson goes through a pager (not with --no-pager);
    quitting the pager early stops the run quietly."""
    figures_dir = prepare_figures(parser, args)
    try:
        device, header = start_tensorflow(args.device, [name for name, _ in selection])
    except RuntimeError as error:
        parser.error(str(error))
    pager = None
    if not args.json and len(selection) > 1 and not args.no_pager and sys.stdout.isatty():
        pager = start_pager()
    try:
        return show_course(args, selection, figures_dir, device, header, pager)
    except BrokenPipeError:
        if pager is None:
            raise
        return 0  # the reader quit the pager
    finally:
        if pager is not None:
            with contextlib.suppress(BrokenPipeError):
                pager.stdin.close()
            pager.wait()


def show_course(args: argparse.Namespace, selection: list[tuple[str, list[str] | None]],
                figures_dir: Path | None, device: str, header: dict,
                pager: subprocess.Popen | None) -> int:
    """Run the lessons, printing each into the terminal, the pager or (at the end) JSON."""
    from tfbasics.course import report
    from tfbasics.course import view as views

    view = None if args.json else views.View(
        brief=args.brief, show_code=args.show_code,
        file=None if pager is None else pager.stdin, colour=pager is not None or None)
    if view is not None:
        view.header(header, device)
        view.contents([lessons.outline(name) for name, _ in selection]
                      if len(selection) > 1 else [])
    results: list = []
    shown: list = []  # every example's results so far, for the line Ctrl-C prints

    def after(section: report.Section) -> None:
        shown.append(section)
        if view is not None:
            view.results(section)

    try:
        for name, only in selection:
            outline = lessons.outline(name)
            if view is not None:
                view.lesson(outline)

            @contextlib.contextmanager
            def running(example: lessons.Example, outline: lessons.Outline = outline,
                        name: str = name) -> Iterator[None]:
                view.example(outline, example)
                with view.running(f"{name} · {example.number}/{len(outline.examples)} "
                                  f"{example.name}"):
                    yield

            result = lessons.run(name, figures_dir, device, only,
                                 around=None if view is None else running, after=after)
            if view is not None:
                view.lesson_error(result)
                if only is None:
                    view.practice(name)
            results.append(result)
    except KeyboardInterrupt:
        if view is None:  # the lessons that finished, marked as an interrupted run
            print(json.dumps({**report.to_json(results, header), "interrupted": True},
                             indent=2))
        sys.stdout.flush()
        checks = [check for section in shown for check in section.checks]
        failed = sum(not check.passed for check in checks)
        print(f"\ninterrupted after {len(shown)} examples: {len(checks) - failed} checks "
              f"passed, {failed} failed", file=sys.stderr)
        return 130
    document = report.to_json(results, header)
    if view is None:
        print(json.dumps(document, indent=2))
    else:
        view.summary(results)
    errors = sum(section.error is not None for r in results for section in r.sections)
    return 0 if document["failed"] == 0 and document["errors"] == 0 and not errors else 1


def main(argv: list[str] | None = None) -> int:
    """Run the chosen lessons and print what each computed; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        selection = resolve(args.names)
    except LookupError as error:
        parser.error(str(error).strip("'\""))
    if args.list:
        list_lessons(args.json, [name for name, _ in selection] if args.names else None)
        return 0
    if args.export_notebooks is not None:
        return export_notebooks(parser, args.export_notebooks, [n for n, _ in selection])
    try:
        return run_course(parser, args, selection)
    except KeyboardInterrupt:
        sys.stdout.flush()
        print("\ninterrupted", file=sys.stderr)
        return 130

