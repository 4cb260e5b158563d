"""Process plumbing for the devices lesson: its helper processes, started early and waited for.

Two of the lesson's examples need a fresh process: the device-placement log (logging must be
on before TF starts its devices, and TF prints it from C++ to the process's stdout) and the
two workers of `MultiWorkerMirroredStrategy` (each a process with its own `TF_CONFIG`). Each
helper is `python -m tfbasics.course.worker MODE`. The lesson's `configure()` calls
`start_helpers()` so their TF imports overlap the lessons before; an example calls
`helper_results(name)` for what they computed. Every helper has a time limit and is killed
when it, or a partner, fails, and when Python exits: none is ever left behind.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import IO

TIMEOUT = 120  # seconds a helper may take, counted from when an example waits for it
RESULT = "RESULT "  # a helper prints its result as one line: RESULT {json}


@dataclass
class _Helper:
    """One helper process, with what it prints kept in temporary files (never a full pipe)."""

    process: subprocess.Popen
    stdout: IO[bytes]
    stderr: IO[bytes]


_STARTED: dict[str, list[_Helper]] = {}  # started early, not yet waited for
_RUNNING: list[_Helper] = []  # every helper not yet stopped, for the exit handler


def _spawn(mode: str, env: dict[str, str] | None = None) -> _Helper:
    """Start `python -m tfbasics.course.worker MODE` with its own environment."""
    # Helpers run on the CPU, so their results do not depend on the GPUs (and two workers on
    # one machine do not both claim a GPU's memory).
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "-1",
                   **(env or {})}
    stdout, stderr = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", "tfbasics.course.worker", mode],
                               stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr,
                               env=environment)
    helper = _Helper(process, stdout, stderr)
    _RUNNING.append(helper)
    atexit.unregister(_stop_all)  # registered once, however many helpers start
    atexit.register(_stop_all)
    return helper


def _free_ports(count: int) -> list[int]:
    """Return `count` different TCP ports on 127.0.0.1 that nothing listens on right now
    (each probe stays open until all are chosen, so no port is handed out twice)."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _start_placement() -> list[_Helper]:
    """Start the process that logs where its ops are placed."""
    return [_spawn("placement")]


def _start_workers() -> list[_Helper]:
    """Start two worker processes that form one cluster on 127.0.0.1 (through TF_CONFIG)."""
    cluster = {"worker": [f"127.0.0.1:{port}" for port in _free_ports(2)]}
    return [_spawn("worker", {"TF_CONFIG": json.dumps(
        {"cluster": cluster, "task": {"type": "worker", "index": index}})})
        for index in range(2)]


_STARTERS = {"placement": _start_placement, "workers": _start_workers}


def _stop(helpers: list[_Helper]) -> None:
    """Kill each helper still running and close its files."""
    for helper in helpers:
        if helper.process.poll() is None:
            helper.process.kill()
        helper.process.wait()
        helper.stdout.close()
        helper.stderr.close()
        if helper in _RUNNING:
            _RUNNING.remove(helper)


def _stop_all() -> None:
    """Kill every helper still running (at exit)."""
    _stop(list(_RUNNING))
    _STARTED.clear()


def _read(file: IO[bytes]) -> str:
    """Return all a helper wrote into one of its files."""
    file.seek(0)
    return file.read().decode(errors="replace")


def _wait(helpers: list[_Helper], timeout: float) -> None:
    """Wait until every helper exits, one fails, or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        codes = [helper.process.poll() for helper in helpers]
        if all(code is not None for code in codes) or any(code for code in codes):
            return  # all done, or one failed: its partners would wait for it in vain
        time.sleep(0.02)


def start_helpers() -> None:
    """Start every helper process now (once), so each is ready when its example asks.

    Called by the devices lesson's `configure()`; the processes are killed at exit.
    """
    for name, starter in _STARTERS.items():
        if name not in _STARTED:
            _STARTED[name] = starter()


def helper_results(name: str) -> list[dict]:
    """Wait for helper `name` ("placement" or "workers"); return each process's result.

    Each result is the JSON the process printed, plus "output": everything else it printed
    on stdout. Helpers that `start_helpers` did not start (or that an earlier run used up)
    start now. All of them are stopped before this returns; a failure or a time-out raises
    RuntimeError with the helper's last line of stderr. See the devices lesson.
    """
    helpers = _STARTED.pop(name, None) or _STARTERS[name]()
    try:
        _wait(helpers, TIMEOUT)
        codes = [helper.process.poll() for helper in helpers]
        failed = [index for index, code in enumerate(codes) if code] or [
            index for index, code in enumerate(codes) if code is None]
        if failed:  # the first that failed, else the first still running at the time limit
            index, code = failed[0], codes[failed[0]]
            errors = _read(helpers[index].stderr).strip().splitlines()
            why = f"exited with {code}" if code is not None else f"timed out after {TIMEOUT} s"
            raise RuntimeError(f"devices_worker {name} [{index}] {why}: "
                               f"{errors[-1] if errors else 'no message'}")
        results = []
        for helper in helpers:
            lines = _read(helper.stdout).splitlines()
            [result] = [line for line in lines if line.startswith(RESULT)]
            output = "\n".join(line for line in lines if not line.startswith(RESULT))
            results.append({**json.loads(result[len(RESULT):]), "output": output})
        return results
    finally:
        _stop(helpers)
