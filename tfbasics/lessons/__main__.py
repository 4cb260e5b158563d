"""Run the lessons: python -m tfbasics.lessons [NAME ...] [--json] [--figures DIR]."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from tfbasics import lessons
from tfbasics.devices import DEVICE_CHOICES


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print one line naming the mistake, then exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> Parser:
    """Return the runner's command-line parser."""
    parser = Parser(prog="python -m tfbasics.lessons",
                    description="Run TensorFlow lessons; every result is checked against an "
                                "independent reference.")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="lessons to run, in course order by default (see --list)")
    parser.add_argument("--list", action="store_true",
                        help="list the lessons, one a line: name, then title")
    parser.add_argument("--figures", type=Path, default=Path("figures"), metavar="DIR",
                        help="folder for the figures (default: ./figures)")
    parser.add_argument("--no-figures", action="store_true", help="do not draw figures")
    parser.add_argument("--device", choices=DEVICE_CHOICES, default="auto",
                        help="where TF runs: auto (a GPU if TF sees one), cpu or gpu")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON document instead of text")
    parser.add_argument("--show-code", action="store_true",
                        help="print each example's source above its results")
    parser.add_argument("--export-notebooks", type=Path, metavar="DIR",
                        help="write one Jupyter notebook per lesson into DIR and stop")
    return parser


def progress_line(lesson: str) -> Callable[[int, int, str], None] | None:
    """Return a callback that shows the running example on a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def show(number: int, total: int, example: str) -> None:
        sys.stderr.write(f"\r\033[K  {lesson} [{number}/{total}] {example} …")
        sys.stderr.flush()

    return show


def clear_progress() -> None:
    """Erase the progress line, so only the report stays on the screen."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def export_notebooks(parser: Parser, folder: Path, names: list[str]) -> int:
    """Write the notebooks, or answer a usage mistake with one line and exit 2."""
    try:
        from tfbasics.lessons import notebooks

        figures_folder(folder)  # a folder, not a file
        for path in notebooks.export(folder, names):
            print(f"wrote {path}")
    except ImportError:
        parser.error("--export-notebooks needs nbformat: pip install 'tfbasics[notebooks]'")
    except (ValueError, OSError) as error:
        parser.error(f"--export-notebooks {folder}: {error}")
    return 0


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Hide what TF's C++ start-up writes to file descriptor 2; show it if start-up fails."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            captured.seek(0)
            sys.stderr.write(captured.read().decode(errors="replace"))
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def start_tensorflow(device: str, names: list[str]) -> tuple[str, dict]:
    """Import TF (quietly unless TF_CPP_MIN_LOG_LEVEL is set), pick the device, describe both."""
    quiet = "TF_CPP_MIN_LOG_LEVEL" not in os.environ
    if quiet:
        # 3 hides C++ INFO, WARNING and ERROR lines (e.g. oneDNN's notes on int32 kernels);
        # real failures still reach the student as Python exceptions.
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    with quiet_stderr() if quiet else contextlib.nullcontext():
        import numpy as np
        import tensorflow as tf

        from tfbasics.devices import choose_device, visible_devices

        if quiet:  # TF's Python warnings too, e.g. the retracing notes tape.jacobian causes
            tf.get_logger().setLevel("ERROR")

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


def main(argv: list[str] | None = None) -> int:
    """Run the chosen lessons and print what each computed; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list:
        for name in lessons.COURSE:
            print(f"{name}  {lessons.title(name)}")
        return 0
    unknown = [name for name in args.names if name not in lessons.COURSE]
    if unknown:
        parser.error(f"unknown lesson {', '.join(map(repr, unknown))}; "
                     f"lessons: {', '.join(lessons.COURSE)}")
    names = [name for name in lessons.COURSE if name in args.names] or list(lessons.COURSE)
    if args.export_notebooks is not None:
        return export_notebooks(parser, args.export_notebooks, names)
    try:
        figures_dir = None if args.no_figures else figures_folder(args.figures)
    except ValueError as error:
        parser.error(f"--figures {args.figures}: {error}")
    try:
        device, header = start_tensorflow(args.device, names)
    except RuntimeError as error:
        parser.error(str(error))
    if figures_dir is not None:
        try:
            figures_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            parser.error(f"--figures {figures_dir}: cannot create it ({error.strerror})")
        try:
            tempfile.TemporaryFile(dir=figures_dir).close()  # root ignores permission bits
        except OSError:
            parser.error(f"--figures {figures_dir}: the folder is not writable; choose another")

    from tfbasics.lessons import report

    if not args.json:
        print(f"tfbasics: TensorFlow {header['tensorflow']}, NumPy {header['numpy']}")
        print(f"device: {device} (TF sees: {', '.join(header['devices'])})\n", flush=True)
    results = []
    for name in names:
        result = lessons.run(name, figures_dir, device,
                             progress=None if args.json else progress_line(name))
        results.append(result)
        if not args.json:
            clear_progress()
            print(report.format_lesson(result, show_code=args.show_code) + "\n", flush=True)
    document = report.to_json(results, header)
    if args.json:
        print(json.dumps(document, indent=2))
    else:
        raised = [result.name for result in results if result.error is not None]
        if raised:
            print(f"lessons that raised an error: {', '.join(raised)}")
        print(f"{document['passed']} passed, {document['failed']} failed")
    return 0 if document["failed"] == 0 and document["errors"] == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
