"""Benchmarks with their goals: python bench/run.py [--repeats N] [--skip-suite].

Every ratio is measured side by side in one run: the cases of a measure alternate, round
after round, and each reports its median, so drift of a shared, noisy machine cancels out.
Writes bench/RESULTS.md with the machine's details. No test asserts any of these numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = Path(__file__).resolve().parent.parent
RUNNER = [sys.executable, "-m", "tfbasics.lessons"]


def interleaved(cases: dict[str, Callable[[], object]], rounds: int,
                number: int) -> dict[str, float]:
    """Return each case's median seconds per call, the cases alternating round by round."""
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for function in cases.values():
        function()  # warm up: first calls pay for kernels and caches
    for _ in range(rounds):
        for name, function in cases.items():
            samples[name].append(timeit.timeit(function, number=number) / number)
    return {name: statistics.median(values) for name, values in samples.items()}


def run_process(command: list[str], cwd: Path) -> tuple[float, int]:
    """Run a command; return (wall seconds, peak RSS in KiB of it and its waited children)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            said = []
            for file in (out, err):  # what it said last, on either stream
                file.seek(0)
                text = file.read().decode(errors="replace")
                try:  # a --json run: its failing checks and errors
                    document = json.loads(text)
                    said += [f"{lesson['name']}: {check['name']}: {check.get('note', '')}"
                             for lesson in document["lessons"] for check in lesson["checks"]
                             if not check["passed"]]
                    said += [json.dumps(error) for error in document.get("errors", [])]
                except (ValueError, KeyError, TypeError):
                    said += text.splitlines()[-15:]
            raise RuntimeError(f"{' '.join(command)} failed:\n" + "\n".join(said))
    return elapsed, usage.ru_maxrss


def processes(commands: dict[str, list[str]], rounds: int, cwd: Path) -> dict[str, tuple]:
    """Return each command's median wall time and median peak RSS, interleaved."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            elapsed, peak = run_process(command, cwd)
            walls[name].append(elapsed)
            rss[name].append(peak)
    return {name: (statistics.median(walls[name]), statistics.median(rss[name]))
            for name in commands}


def bench_gradients(rounds: int) -> list[tuple]:
    """gradient() and compiled_gradient() against the raw eager tape on the seed's cubic."""
    import tensorflow as tf

    from tfbasics import compiled_gradient, gradient

    def f(w):
        return 4 * w + w**3

    w = tf.Variable(1.0)

    def raw():
        with tf.GradientTape() as tape:
            L = f(w)
        return tape.gradient(L, w)

    compiled = compiled_gradient(f)
    times = interleaved({"raw": raw, "gradient": lambda: gradient(f, w),
                         "compiled": lambda: compiled(w)}, rounds, 300)
    traces = compiled.tracing_count()
    return [
        ("`gradient()` / raw eager tape (cubic)", times["gradient"] / times["raw"], 1.10,
         f"{times['gradient'] * 1e6:.0f} µs vs {times['raw'] * 1e6:.0f} µs per call"),
        ("compiled gradient / raw eager tape (cubic)", times["compiled"] / times["raw"], 0.35,
         f"{times['compiled'] * 1e6:.0f} µs per call, traced {traces}× over all calls"),
    ]


def bench_sweep(rounds: int) -> list[tuple]:
    """sweep() of tanh against NumPy's closed form, and the memory-traffic floor."""
    import numpy as np
    import tensorflow as tf

    from tfbasics import sweep

    rows = []
    for n in (10**6, 10**7):
        def numpy_closed_form(n=n):
            x = np.linspace(-10.0, 10.0, n, dtype=np.float32)
            t = np.tanh(x)
            return x, t, 1 - t**2

        source = np.ones(3 * n, dtype=np.float32)
        target = np.empty_like(source)
        times = interleaved({
            "sweep": lambda n=n: sweep(tf.tanh, -10.0, 10.0, num=n),
            "numpy": numpy_closed_form,
            "floor": lambda s=source, t=target: np.copyto(t, s),  # write x, y, dy once
        }, rounds, 3)
        rows.append((f"`sweep()` of tanh / NumPy closed form, N = {n:.0e}",
                     times["sweep"] / times["numpy"], 1.0 if n == 10**7 else None,
                     f"{times['sweep'] * 1e3:.1f} ms vs {times['numpy'] * 1e3:.1f} ms; "
                     f"{times['sweep'] / times['floor']:.1f}× the memory-traffic floor "
                     f"({times['floor'] * 1e3:.1f} ms to copy 3·N float32)"))
    return rows


def bench_integrated_gradients(rounds: int) -> list[tuple]:
    """integrated_gradients() on a batch, against one raw tape call on as many rows."""
    import numpy as np
    import tensorflow as tf

    from tfbasics import integrated_gradients

    rng = np.random.default_rng(0)
    w1 = tf.constant(rng.normal(size=(64, 64)) / 8, tf.float32)
    w2 = tf.constant(rng.normal(size=(64, 1)), tf.float32)

    def f(x):  # a small model on 8×8 images: tanh(x·W1)·w2
        return tf.tanh(x @ w1) @ w2

    inputs, steps = 100, 50
    x = tf.constant(rng.uniform(size=(inputs, 64)), tf.float32)
    rows = tf.constant(rng.uniform(size=((steps + 3) * inputs, 64)), tf.float32)

    def raw():  # the same number of rows: 51 trapezoid points and the two ends
        with tf.GradientTape() as tape:
            tape.watch(rows)
            y = f(rows)
        return tape.gradient(y, rows)

    # The goal leaves room for what surrounds the one tape call: building the path and the
    # weighted sum over its points, each one pass over as many numbers as the rows.
    times = interleaved({"ig": lambda: integrated_gradients(f, x, steps=steps), "raw": raw},
                        rounds, 20)
    return [(f"`integrated_gradients` / one tape call on as many rows ({steps} steps × "
             f"{inputs} inputs)", times["ig"] / times["raw"], 2.0,
             f"{times['ig'] * 1e3:.1f} ms vs {times['raw'] * 1e3:.1f} ms; "
             f"{steps * inputs / times['ig']:,.0f} steps × inputs per second")]


SCALING_SIZES = (10, 100, 1_000, 10_000, 100_000, 1_000_000)
PROBE = """
import os, resource, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import tensorflow as tf
from tfbasics import check_gradient, gradient
helper, n = sys.argv[1], int(sys.argv[2])
slope = lambda w: np.sin(w) + w * np.cos(w)
call = {"gradient": gradient, "check_gradient": check_gradient,
        "check_formula": lambda f, w: check_gradient(f, w, analytic=slope)}[helper]
f = lambda w: tf.reduce_sum(tf.sin(w) * w)
call(f, np.linspace(-1.0, 1.0, 10, dtype=np.float32))  # load kernels and caches
w = np.linspace(-1.0, 1.0, n, dtype=np.float32)
def rss(field):
    return next(int(line.split()[1]) for line in open("/proc/self/status")
                if line.startswith(field))
before = rss("VmRSS:")
start = time.perf_counter()
call(f, w)
print(time.perf_counter() - start, rss("VmHWM:") - before)
"""


def bench_check_scaling(rounds: int) -> tuple[list[tuple], list[str]]:
    """check_gradient against gradient() on one f for n = 10 ... 1e6: time (in-process,
    interleaved) and peak memory beyond what the process held before the call (a fresh
    process per measurement, so earlier peaks do not hide later ones)."""
    import numpy as np
    import tensorflow as tf

    from tfbasics import check_gradient, gradient

    def f(w):
        return tf.reduce_sum(tf.sin(w) * w)

    lines = ["| n | `gradient()` | `check_gradient` | ratio | mode | extra peak memory: "
             "`gradient()` | `check_gradient` | input |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    rows = []
    for n in SCALING_SIZES:
        w = np.linspace(-1.0, 1.0, n, dtype=np.float32)
        times = interleaved({"gradient": lambda w=w: gradient(f, w),
                             "check": lambda w=w: check_gradient(f, w)}, rounds, 1)
        memory = {}
        helpers = ("gradient", "check_gradient") + (("check_formula",) if n == 1_000_000 else ())
        for helper in helpers:
            peaks = [float(subprocess.run(
                [sys.executable, "-c", PROBE, helper, str(n)], capture_output=True, text=True,
                check=True).stdout.split()[1]) for _ in range(3)]
            memory[helper] = statistics.median(peaks) / 1024  # MiB
        ratio = times["check"] / times["gradient"]
        size = n * 4 / 2**20
        lines.append(f"| {n:,} | {times['gradient'] * 1e3:.1f} ms | {times['check'] * 1e3:.1f} ms"
                     f" | {ratio:.1f}× | {check_gradient(f, w).mode} | "
                     f"{memory['gradient']:.1f} MiB | {memory['check_gradient']:.1f} MiB | "
                     f"{size:.2g} MiB |")
        if n == 10_000:
            rows.append(("`check_gradient` at n = 1e4 (seconds)", times["check"], 0.5,
                         f"{times['check'] * 1e3:.0f} ms, fast mode"))
        if n == 1_000_000:
            rows.append(("`check_gradient` / `gradient()` at n = 1e6", ratio, 20.0,
                         f"{times['check'] * 1e3:.0f} ms vs {times['gradient'] * 1e3:.1f} ms"))
            rows.append(("extra peak memory of `check_gradient` at n = 1e6 / input size",
                         memory["check_gradient"] / size, 40.0,
                         f"{memory['check_gradient']:.0f} MiB for a {size:.1f} MiB float32 "
                         f"input; `gradient()` {memory['gradient']:.0f} MiB"))
            rows.append(("extra peak memory at n = 1e6 with your formula (`analytic=`) / "
                         "input size",
                         memory["check_formula"] / size, 40.0,
                         f"{memory['check_formula']:.0f} MiB"))
    return rows, lines


def bench_variables(rounds: int) -> list[tuple]:
    """check_gradient with tf.Variable arguments against the same check with NumPy ones
    (float32, a formula given): full mode at n = 1000, auto mode at n = 128."""
    import numpy as np
    import tensorflow as tf

    from tfbasics import check_gradient

    def f(w):
        return tf.reduce_sum(tf.sin(w) * w)

    def slope(w):
        return np.sin(w) + w * np.cos(w)

    rows = []
    for n, mode in ((1000, "full"), (128, "auto")):
        w = np.linspace(-1.0, 1.0, n, dtype=np.float32)
        v = tf.Variable(w)
        times = interleaved({
            "numpy": lambda w=w, mode=mode: check_gradient(f, w, analytic=slope, mode=mode),
            "variable": lambda v=v, mode=mode: check_gradient(f, v, analytic=slope, mode=mode),
        }, rounds, 1)
        ratio = times["variable"] / times["numpy"]
        rows.append((f"`check_gradient` tf.Variable / NumPy argument, {mode} mode, n = {n}",
                     ratio, 1.5, f"{times['variable'] * 1e3:.0f} ms vs "
                                 f"{times['numpy'] * 1e3:.0f} ms"))
    return rows


def bench_runner(rounds: int) -> list[tuple]:
    """The full runner, with and without figures, against a bare `import tensorflow`."""
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        results = processes({
            "import": [sys.executable, "-c", "import tensorflow"],
            "runner": [*RUNNER, "--json", "--figures", str(cwd / "figures")],
            "no_figures": [*RUNNER, "--json", "--no-figures"],
            "no_devices": [*RUNNER, "--json", "--no-figures", "tensors", "variables",
                           "autodiff", "advanced_autodiff", "graphs", "modules"],
            "list": [*RUNNER, "--list"],
            "help": [*RUNNER, "--help"],
        }, rounds, cwd)
    bare, bare_rss = results["import"]
    return [
        # The course is 7 lessons, 341 checks and 13 figures; with TF's import at ~3 s, 6×
        # is the course in about 20 s, the time a student waits for the whole of it.
        ("full runner / bare `import tensorflow`", results["runner"][0] / bare, 6.0,
         f"{results['runner'][0]:.1f} s vs {bare:.1f} s"),
        ("runner without figures / bare import", results["no_figures"][0] / bare, 6.0,
         f"{results['no_figures'][0]:.1f} s"),
        ("runner without figures or the devices lesson / bare import",
         results["no_devices"][0] / bare, None,
         f"{results['no_devices'][0]:.1f} s: the devices lesson starts 3 more TF processes"),
        ("`--list` (seconds)", results["list"][0], 0.3, "no TensorFlow import"),
        ("`--help` (seconds)", results["help"][0], 0.3, "no TensorFlow import"),
        ("peak RSS: full runner / bare import", results["runner"][1] / bare_rss, 1.3,
         f"{results['runner'][1] / 1024:.0f} MiB vs {bare_rss / 1024:.0f} MiB"),
    ]


def bench_suite() -> list[tuple]:
    """The test suite's wall time on this machine."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:warnings"],
                          cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "no output"
    return [("test suite wall time (seconds)", elapsed, 120.0, last.strip("= "))]


def machine() -> list[str]:
    """Describe the machine and the versions measured."""
    import numpy as np
    import tensorflow as tf

    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "?")
    return [f"- {platform.platform()}, {os.cpu_count()} cores ({cpu}), "
            f"{int(memory) / 2**20:.0f} GiB",
            f"- Python {platform.python_version()}, TensorFlow {tf.__version__}, "
            f"NumPy {np.__version__}, devices: "
            f"{', '.join(d.name for d in tf.config.list_logical_devices())}"]


def table(rows: list[tuple]) -> list[str]:
    """Return the results as markdown rows, each with its goal and a mark where it misses."""
    lines = ["| measure | value | goal | | details |", "| --- | --- | --- | --- | --- |"]
    for name, value, goal, details in rows:
        unit = "×" if "/" in name else " s"
        mark = "" if goal is None else ("✓" if value <= goal else "✗ misses")
        goal_text = "—" if goal is None else f"≤ {goal:g}{unit}"
        lines.append(f"| {name} | {value:.2f}{unit} | {goal_text} | {mark} | {details} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark and write bench/RESULTS.md."""
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5,
                        help="rounds per micro-benchmark (default 5; processes use 3)")
    parser.add_argument("--skip-suite", action="store_true",
                        help="do not time the test suite")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md",
                        help="where to write the table (default bench/RESULTS.md)")
    args = parser.parse_args(argv)
    # Processes first: a child forked from a parent that holds TF starts with its memory
    # counted, which would spoil the peak-RSS ratio.
    rows = bench_runner(max(3, args.repeats // 2))
    rows += bench_gradients(args.repeats) + bench_sweep(args.repeats)
    rows += bench_integrated_gradients(args.repeats)
    scaling_rows, scaling = bench_check_scaling(args.repeats)
    rows += scaling_rows + bench_variables(args.repeats)
    if not args.skip_suite:
        rows += bench_suite()
    text = "\n".join(["# Benchmark results", "",
                      f"Made by `python bench/run.py` on {time.strftime('%Y-%m-%d')}.",
                      "Medians of interleaved rounds; ratios are measured side by side.", "",
                      *machine(), "", *table(rows), "",
                      "## Cost of a check against n", "",
                      "f(w) = Σ sin(w)·w on float32 w of n elements; times are medians of "
                      "interleaved calls, memory is the peak beyond what the process held "
                      "before the call (a fresh process each). `auto` mode checks every "
                      "element up to 128, then two random directions plus your formula "
                      "element by element.", "", *scaling, ""])
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
