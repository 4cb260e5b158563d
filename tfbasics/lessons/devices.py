"""Devices and distribution

TensorFlow runs each op on a device: a CPU, or a GPU when it sees one. You can list the
devices, pin work to one with `tf.device`, and spread a batch over several with a
distribution strategy. Here the CPU is split into two logical devices, so one machine
shows everything: mirrored replicas, and two worker processes talking over 127.0.0.1.

Guides: https://www.tensorflow.org/guide/gpu and
https://www.tensorflow.org/guide/distributed_training
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys

import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close
from tfbasics.devices import short_name

WORKER_TIMEOUT = 120  # seconds each helper process may take before it is stopped


def run_helper(mode: str, env: dict | None = None) -> subprocess.Popen:
    """Start `python -m tfbasics.lessons.devices_worker MODE` with its own environment."""
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "tfbasics.lessons.devices_worker", mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=environment)


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_placement_log() -> list[subprocess.Popen]:
    """Start the process that logs where its ops are placed."""
    return [run_helper("placement")]


def start_two_workers() -> list[subprocess.Popen]:
    """Start two worker processes that form one cluster on 127.0.0.1 (TF_CONFIG)."""
    cluster = {"worker": [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]}
    return [run_helper("worker", {"TF_CONFIG": json.dumps(
        {"cluster": cluster, "task": {"type": "worker", "index": index}})})
        for index in range(2)]


HELPERS = {"placement": start_placement_log, "workers": start_two_workers}
STARTED: dict[str, list[subprocess.Popen]] = {}


def helpers(name: str) -> list[subprocess.Popen]:
    """Return the helper processes `configure` started early, or start them now."""
    return STARTED.pop(name, None) or HELPERS[name]()


def stop(processes: list[subprocess.Popen]) -> None:
    """Kill any helper still running: none is ever left behind."""
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.communicate()


def finish(process: subprocess.Popen) -> tuple[dict, str]:
    """Wait for a helper (bounded in time); return its JSON line and all it printed."""
    try:
        out, err = process.communicate(timeout=WORKER_TIMEOUT)
    finally:
        stop([process])
    if process.returncode != 0:
        tail = err.strip().splitlines()[-1] if err.strip() else "no message"
        raise RuntimeError(f"devices_worker exited with {process.returncode}: {tail}")
    return json.loads(out.strip().splitlines()[-1]), out + err


def configure() -> None:
    """Split the CPU (or a single GPU) into two logical devices; run before TF starts them."""
    gpus = tf.config.get_visible_devices("GPU")
    if len(gpus) == 1:
        tf.config.set_logical_device_configuration(
            gpus[0], [tf.config.LogicalDeviceConfiguration(memory_limit=1024)] * 2)
    elif not gpus:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    # The helper processes each import TF, which takes seconds: start them now, so they get
    # ready while the lessons before this one run.
    for name in HELPERS:
        STARTED.setdefault(name, HELPERS[name]())
    atexit.register(stop, [p for processes in STARTED.values() for p in processes])


def replica_devices() -> list[str]:
    """Return the logical devices to mirror over: the GPUs TF sees, else the CPUs."""
    gpus = tf.config.list_logical_devices("GPU")
    return [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]


def list_devices() -> list[Check]:
    """Physical devices are the hardware; logical devices are what TF runs ops on."""
    physical = tf.config.list_physical_devices()
    logical = tf.config.list_logical_devices()
    devices = replica_devices()
    return [
        check_close("two logical devices to spread work over", len(devices), 2,
                    note=f"physical: {', '.join(d.name for d in physical)}; logical: "
                         f"{', '.join(d.name for d in logical)}"),
    ]


def place_ops_on_devices() -> list[Check]:
    """`tf.device` pins each op; the result's `.device` says where it really ran."""
    first, second = replica_devices()[:2]
    with tf.device(first):
        a = tf.constant([1.0, 2.0, 3.0])
        b = a * 2.0
    with tf.device(second):
        c = tf.sin(b)  # b is copied to the second device first
    return [
        check_close("a * 2 ran on the first device", short_name(b.device), short_name(first)),
        check_close("sin(b) ran on the second device", short_name(c.device), short_name(second)),
        check_close("sin(2a)", c, np.sin(2 * np.array([1.0, 2.0, 3.0]))),
    ]


def device_placement_log() -> list[Check]:
    """`tf.debugging.set_log_device_placement(True)` prints where each op is placed."""
    # Placement logging must be on before TF starts its devices: a fresh process does it.
    # TF prints one line per op, e.g. "Mul: (Mul): /job:localhost/.../device:CPU:0".
    [placement] = helpers("placement")  # started by configure(), or now
    result, log = finish(placement)
    lines = [line for line in log.splitlines() if line.startswith(("Mul:", "Sin:"))]
    placed = {line.split(":")[0]: line.rsplit("device:", 1)[-1] for line in lines}
    return [
        check_close("the log places Mul on CPU:0 and Sin on CPU:1",
                    [placed.get("Mul"), placed.get("Sin")], ["CPU:0", "CPU:1"],
                    note=" | ".join(lines)),
        check_close("and sin(2a) is right", np.float32(result["c"]),
                    np.sin(2 * np.array([1.0, 2.0, 3.0]))),
    ]


def regression_batch() -> tuple[tf.Tensor, tf.Tensor]:
    """Return a seeded batch of 8 examples: x of shape (8, 2) and y of shape (8,)."""
    x = tf.random.stateless_normal([8, 2], seed=[7, 7])
    y = tf.random.stateless_normal([8], seed=[8, 8])
    return x, y


def replica_gradient(w, x, y, global_batch_size):
    """d/dw of this replica's share of the mean squared error over the global batch."""
    with tf.GradientTape() as tape:
        L = tf.reduce_sum((tf.linalg.matvec(x, w) - y) ** 2) / global_batch_size
    return tape.gradient(L, w)


def numpy_gradient(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The closed form: d/dw mean((x·w - y)²) = (2/N)·xᵀ(x·w - y)."""
    return 2 / len(x) * x.T @ (x @ w - y)


def mirrored_strategy() -> list[Check]:
    """MirroredStrategy runs one replica per device; summing their gradients gives the batch's."""
    devices = replica_devices()[:2]
    strategy = tf.distribute.MirroredStrategy(devices)
    with strategy.scope():
        w = tf.Variable([0.5, -0.5])  # one mirrored copy on each device
    x, y = regression_batch()
    half = len(x) // 2

    def shard(context):  # replica i gets examples [4i, 4i + 4)
        part = slice(context.replica_id_in_sync_group * half,
                     (context.replica_id_in_sync_group + 1) * half)
        return x[part], y[part]

    xs, ys = strategy.experimental_distribute_values_from_function(shard)
    per_replica = strategy.run(replica_gradient, args=(w, xs, ys, len(x)))
    summed = strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
    whole = replica_gradient(tf.Variable([0.5, -0.5]), x, y, len(x))  # one device, all 8
    parts = strategy.experimental_local_results(per_replica)
    expected = numpy_gradient(np.array([0.5, -0.5]), x.numpy(), y.numpy())
    return [
        check_close("replicas in sync", strategy.num_replicas_in_sync, 2),
        check_close("each replica's gradient is its half's share",
                    [parts[0], parts[1]],
                    [numpy_gradient(np.array([0.5, -0.5]), x.numpy()[:half], y.numpy()[:half])
                     / 2, numpy_gradient(np.array([0.5, -0.5]), x.numpy()[half:],
                                         y.numpy()[half:]) / 2]),
        check_close("all-reduced (summed) gradient equals the whole batch's", summed, whole),
        check_close("and the closed form (2/N)·xᵀ(xw - y)", summed, expected),
    ]


def multi_worker_strategy() -> list[Check]:
    """Two worker processes on 127.0.0.1 each take half the batch; MWMS all-reduces them."""
    workers = helpers("workers")  # started by configure(), or now
    try:
        results = [finish(worker)[0] for worker in workers]
    finally:
        stop(workers)  # never leave a worker behind, whatever happened
    x, y = regression_batch()
    expected = numpy_gradient(np.array([0.5, -0.5]), x.numpy(), y.numpy())
    return [
        check_close("two workers, one replica each: replicas in sync",
                    [r["replicas"] for r in results], [2, 2]),
        check_close("worker 0's all-reduced gradient is the whole batch's",
                    np.float32(results[0]["gradient"]), expected),
        check_close("worker 1 holds the same all-reduced gradient",
                    np.float32(results[1]["gradient"]), expected),
    ]


EXAMPLES = [
    list_devices,
    place_ops_on_devices,
    device_placement_log,
    mirrored_strategy,
    multi_worker_strategy,
]
