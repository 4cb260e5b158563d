"""A helper process for the devices lesson: one example's shown code, run in a fresh Python.

python -m tfbasics.course.worker device_placement_log
python -m tfbasics.course.worker multi_worker_strategy   (TF_CONFIG names the cluster and task)

The process runs the example's code exactly as the lesson shows it: the lesson's shown
imports, the lesson's definitions the code uses, then the code, all read from the lesson's
source with `tfbasics.course.lesson.outline`. It needs a fresh process because placement
logging and a multi-worker cluster must be set up before TensorFlow starts its devices. What
the code prints (TF's placement log too) goes to stdout as it is; then one line,
`RESULT {json}`, describes the tensors and strategies the code left behind.
`tfbasics.course.workers` starts these processes and reads what they print.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

LESSON = "devices"
EXAMPLES = ("device_placement_log", "multi_worker_strategy")  # those that need a fresh process


def describe(value: Any) -> dict | None:
    """Return what a name the code left holds, as JSON: a tensor's value and device, a
    strategy's replicas, worker devices and task; None for anything else."""
    import tensorflow as tf

    from tfbasics.course.report import jsonable

    if isinstance(value, tf.distribute.Strategy):
        resolver = getattr(value, "cluster_resolver", None)
        return {"replicas": value.num_replicas_in_sync,
                "worker_devices": list(value.extended.worker_devices),
                "task": [resolver.task_type, resolver.task_id] if resolver else None}
    if isinstance(value, (tf.Tensor, tf.Variable)):
        return {"value": jsonable(value), "device": value.device}
    return None


def run(name: str) -> dict:
    """Run example `name`'s shown code as a student's program; describe what it left."""
    from tfbasics.course.lesson import outline

    lesson = outline(LESSON)
    [example] = [example for example in lesson.examples if example.name == name]
    code = "\n\n".join([lesson.imports, *(source for _, source in example.helpers),
                        example.code])
    namespace: dict[str, Any] = {"__name__": "__main__"}
    exec(compile(code, f"<{LESSON} lesson: {name}>", "exec"), namespace)
    sys.stdout.flush()  # what the code printed comes before the result line
    return {key: described for key, value in namespace.items()
            if not key.startswith("_") and (described := describe(value)) is not None}


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else ""
    if name not in EXAMPLES:
        sys.exit(f"usage: python -m tfbasics.course.worker {'|'.join(EXAMPLES)}")
    result = run(name)
    print("RESULT " + json.dumps(result), flush=True)
