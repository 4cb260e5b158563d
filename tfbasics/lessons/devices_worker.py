"""Helper processes for the devices lesson: a placement log, and one multi-worker replica.

python -m tfbasics.lessons.devices_worker placement
python -m tfbasics.lessons.devices_worker worker   (TF_CONFIG names the cluster and this task)

Each prints one JSON line on stdout. Both need a fresh process: placement logging and a
multi-worker cluster must be set up before TensorFlow initialises its devices.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def placement() -> dict:
    """Log where two ops run, one on each of two logical CPUs; return the results."""
    import tensorflow as tf

    tf.debugging.set_log_device_placement(True)  # before TF initialises its devices
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    with tf.device("CPU:0"):
        a = tf.constant([1.0, 2.0, 3.0])
        b = a * 2.0
    with tf.device("CPU:1"):
        c = tf.sin(b)
    sys.stderr.flush()
    return {"b": b.numpy().tolist(), "c": c.numpy().tolist(), "b_device": b.device,
            "c_device": c.device}


def worker() -> dict:
    """Compute this worker's share of the regression gradient and all-reduce it."""
    import tensorflow as tf

    from tfbasics.lessons.devices import regression_batch, replica_gradient

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    task = json.loads(os.environ["TF_CONFIG"])["task"]["index"]
    x, y = regression_batch()
    half = len(x) // 2
    shard = slice(task * half, (task + 1) * half)  # each worker sees its half of the batch
    with strategy.scope():
        w = tf.Variable([0.5, -0.5])

    @tf.function
    def step():
        return strategy.run(replica_gradient, args=(w, x[shard], y[shard], len(x)))

    total = strategy.reduce(tf.distribute.ReduceOp.SUM, step(), axis=None)
    return {"task": task, "replicas": strategy.num_replicas_in_sync,
            "gradient": total.numpy().tolist()}


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode not in ("placement", "worker"):
        sys.exit("usage: python -m tfbasics.lessons.devices_worker placement|worker")
    print(json.dumps(placement() if mode == "placement" else worker()), flush=True)
