"""Helper processes for the devices lesson: a placement log, and one multi-worker replica.

python -m tfbasics.course.worker placement
python -m tfbasics.course.worker worker   (TF_CONFIG names the cluster and this task)

Each prints its result as one line, `RESULT {json}`, on stdout. Both need a fresh process:
placement logging and a multi-worker cluster must be set up before TensorFlow starts its
devices. `tfbasics.course.workers` starts them and reads what they print.
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def placement() -> dict:
    """Log where two ops run, one on each of two logical CPUs; return the results."""
    import tensorflow as tf

    tf.debugging.set_log_device_placement(True)  # before TF starts its devices
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    with tf.device("CPU:0"):
        a = tf.constant([1.0, 2.0, 3.0])
        b = a * 2.0  # logged as "Mul: (Mul): /job:localhost/replica:0/task:0/device:CPU:0"
    with tf.device("CPU:1"):
        c = tf.sin(b)
    return {"b": b.numpy().tolist(), "c": c.numpy().tolist(), "b_device": b.device,
            "c_device": c.device}


def worker() -> dict:
    """Compute this worker's share of the lesson's regression gradient and all-reduce it.

    The batch is the devices lesson's `regression_batch()`: 8 examples from the same seeds.
    """
    import tensorflow as tf

    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG, joins the cluster
    task = strategy.cluster_resolver.task_id
    x = tf.random.stateless_normal([8, 2], seed=[7, 7])
    y = tf.random.stateless_normal([8], seed=[8, 8])
    x_part, y_part = x[4 * task:4 * task + 4], y[4 * task:4 * task + 4]  # this worker's half
    with strategy.scope():
        w = tf.Variable([0.5, -0.5])

    def replica_gradient(x_part, y_part):  # this worker's share of the mean over all 8
        with tf.GradientTape() as tape:
            L = tf.reduce_sum((tf.linalg.matvec(x_part, w) - y_part) ** 2) / 8
        return tape.gradient(L, w)

    @tf.function
    def step():
        return strategy.run(replica_gradient, args=(x_part, y_part))

    total = strategy.reduce(tf.distribute.ReduceOp.SUM, step(), axis=None)
    return {"task": task, "replicas": strategy.num_replicas_in_sync,
            "device": strategy.extended.worker_devices[0], "gradient": total.numpy().tolist()}


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode not in ("placement", "worker"):
        sys.exit("usage: python -m tfbasics.course.worker placement|worker")
    result = placement() if mode == "placement" else worker()
    print("RESULT " + json.dumps(result), flush=True)
