"""Devices and distribution

TensorFlow runs each op on a device: a CPU, or a GPU when it sees one. You can list the
devices, see where each op ran, pin work to a device with `tf.device`, and spread a batch over
several devices with a distribution strategy, which keeps a copy of each variable on every
device and adds up their gradients for you.

You need no second GPU to try this. The lesson's `configure()` splits the CPU (or a single
GPU) into two logical devices before TF starts them, so one machine shows mirrored replicas,
and two worker processes talking over 127.0.0.1 show multi-worker training. Every distributed
gradient is checked against the whole batch's gradient from its closed form.

Guides: https://www.tensorflow.org/guide/gpu and
https://www.tensorflow.org/guide/distributed_training
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises
from tfbasics.course.workers import helper_results, start_helpers
from tfbasics.devices import short_name


def configure() -> None:
    """Split the CPU (or a single GPU) into two logical devices; run before TF starts them.

    It also starts the helper processes of the placement log and the multi-worker example
    now, so that their TensorFlow imports overlap the lessons before this one.
    """
    start_helpers()
    gpus = tf.config.get_visible_devices("GPU")
    if len(gpus) == 1:
        tf.config.set_logical_device_configuration(
            gpus[0], [tf.config.LogicalDeviceConfiguration(memory_limit=1024)] * 2)
    elif not gpus:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def replica_devices() -> list[str]:
    """Return the logical devices to spread work over: the GPUs TF sees, else the CPUs."""
    gpus = tf.config.list_logical_devices("GPU")
    return [device.name for device in (gpus or tf.config.list_logical_devices("CPU"))]


def regression_batch() -> tuple[tf.Tensor, tf.Tensor]:
    """Return a seeded batch of 8 examples: x of shape (8, 2) and y of shape (8,)."""
    x = tf.random.stateless_normal([8, 2], seed=[7, 7])
    y = tf.random.stateless_normal([8], seed=[8, 8])
    return x, y


def numpy_gradient(w: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The closed form in NumPy: d/dw mean((x·w - y)²) = (2/N)·xᵀ(x·w - y)."""
    return 2 / len(x) * x.T @ (x @ w - y)


def numpy_sgd(x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, lr: float,
              batch_size: int) -> tuple[np.ndarray, float]:
    """Plain SGD on mean((x·w + b - y)²) in NumPy, one pass over the batches in order."""
    for start in range(0, len(x), batch_size):
        x_part, y_part = x[start:start + batch_size], y[start:start + batch_size]
        residual = x_part @ w + b - y_part
        w = w - lr * 2 / len(x_part) * x_part.T @ residual  # (2/n)·xᵀ(xw + b - y)
        b = b - lr * 2 * residual.mean()  # (2/n)·Σ(xw + b - y)
    return w, b


def list_devices() -> list[Check]:
    """Physical devices are the hardware TF found; logical devices are what it runs ops on.

    `tf.config.list_physical_devices()` lists the hardware and `tf.config.list_logical_devices()`
    the devices you place ops on. The lesson's `configure()` split the one physical CPU into two
    logical ones with `tf.config.set_logical_device_configuration`, which works only before TF
    starts its devices; with one GPU it splits the GPU instead. `replica_devices()` returns
    the two: the GPUs if TF sees any, else the CPUs.
    """
    physical = tf.config.list_physical_devices()
    logical = tf.config.list_logical_devices()
    kind = "GPU" if tf.config.list_logical_devices("GPU") else "CPU"
    return [
        check_close("one physical CPU", [short_name(d.name) for d in physical
                                         if d.device_type == "CPU"], ["CPU:0"],
                    note=f"physical: {', '.join(d.name for d in physical)}"),
        check_close("two logical devices to spread work over",
                    [short_name(name) for name in replica_devices()[:2]],
                    [f"{kind}:0", f"{kind}:1"],
                    note=f"logical: {', '.join(d.name for d in logical)}"),
    ]


def device_placement_log() -> list[Check]:
    """`tf.debugging.set_log_device_placement(True)` makes TF print where it places each op.

    As the guide says, it must be the first statement of your program: turned on after TF has
    started its devices, TF 2.21 prints nothing. TF also prints the log from C++ straight to
    the process's standard output, so a fresh helper process (`devices_worker.py placement`)
    turns it on, multiplies on CPU:0 and takes the sine on CPU:1. Each line of its log names
    an op and the full name of its device.
    """
    [placement] = helper_results("placement")  # started by configure(): its log and result
    lines = [line for line in placement["output"].splitlines()
             if line.startswith(("Mul:", "Sin:"))]  # e.g. "Sin: (Sin): /job:.../device:CPU:1"
    placed = {line.split(":")[0]: short_name(line) for line in lines}
    return [
        check_close("the log places Mul on CPU:0 and Sin on CPU:1",
                    [placed.get("Mul"), placed.get("Sin")], ["CPU:0", "CPU:1"],
                    note=" | ".join(lines)),
        check_close("the logging process computed sin(2a)", np.float32(placement["c"]),
                    np.sin(2 * np.array([1.0, 2.0, 3.0]))),
    ]


def place_ops_on_devices() -> list[Check]:
    """Ops created inside `with tf.device(...)` run on that device, not where TF would choose.

    The result's `.device` names the device an op really ran on. When an op's input lives on
    another device, TF copies it over first: here `sin(b)` runs on the second device with b
    from the first.
    """
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


def memory_growth() -> list[Check]:
    """By default TF maps nearly all of a GPU's memory; memory growth makes it take only what
    it needs.

    `tf.config.experimental.set_memory_growth(gpu, True)` applies to GPUs only, and only
    before TF starts them: later it raises `RuntimeError`, and a GPU split into logical devices
    (the guide's other way to limit memory) refuses it with `ValueError`. On a GPU machine the
    example shows that, this late in the course, the call raises. Without a GPU there is
    nothing for it to act on, and the example can show only that the CPU refuses it with
    `ValueError` (TF's message names the first rule it checks: `configure()` split the CPU
    into logical devices); what memory growth does needs a GPU to see.
    """
    gpus = tf.config.get_visible_devices("GPU")
    cpu = tf.config.list_physical_devices("CPU")[0]
    checks = [check_raises("set_memory_growth on the CPU raises ValueError",
                           lambda: tf.config.experimental.set_memory_growth(cpu, True),
                           ValueError)]
    if gpus:  # TF started its GPUs when the course began: too late to change them
        split = tf.config.get_logical_device_configuration(gpus[0]) is not None
        checks.append(check_raises(
            "set_memory_growth on a GPU TF has started raises",
            lambda: tf.config.experimental.set_memory_growth(gpus[0], True),
            ValueError if split else RuntimeError))
    return checks


def soft_device_placement() -> list[Check]:
    """With soft device placement on, an op placed on a device that does not exist runs on one
    that does.

    In TF 2 eager code it is on by default (`tf.config.get_soft_device_placement()`), so the
    guide's matmul under `tf.device("/device:GPU:7")` runs here on the first device. Turned
    off with `tf.config.set_soft_device_placement(False)`, the same op raises
    `InvalidArgumentError` ("Could not satisfy device specification"), where the guide says
    `RuntimeError`. The `finally` block puts the setting back, for the rest of the course.
    """
    soft = tf.config.get_soft_device_placement()

    def matmul_on_gpu_7():  # there is no GPU:7 here
        with tf.device("/device:GPU:7"):
            a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
            b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
            return tf.matmul(a, b)  # [[22, 28], [49, 64]]

    c = matmul_on_gpu_7()
    tf.config.set_soft_device_placement(False)
    try:
        strict = check_raises("with soft placement off, the matmul on GPU:7 raises",
                              matmul_on_gpu_7, tf.errors.InvalidArgumentError)
    finally:
        tf.config.set_soft_device_placement(soft)
    a_np = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b_np = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return [
        check_close("soft device placement is on (TF 2's default)", soft, True),
        check_close("the matmul on GPU:7 ran on the first device", short_name(c.device),
                    short_name(replica_devices()[0])),
        check_close("and computed a @ b", c, a_np @ b_np),
        strict,
    ]


def manual_replication() -> list[Check]:
    """A strategy replicates work for you; you can also do it by hand with `tf.device`.

    As in the guide, each device computes `tf.matmul(a, b)` on its own copy of a and b, and
    `tf.add_n` sums the results on the CPU. A strategy automates this, and also splits the
    batch between the devices and keeps their variables in sync.
    """
    c = []
    for device in replica_devices():
        with tf.device(device):
            a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
            b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
            c.append(tf.matmul(a, b))  # [[22, 28], [49, 64]] on each device
    with tf.device("/CPU:0"):
        matmul_sum = tf.add_n(c)  # one copy per device: 2·(a @ b) = [[44, 56], [98, 128]]
    a_np = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b_np = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    return [
        check_close("a matmul ran on each device", [short_name(m.device) for m in c],
                    [short_name(device) for device in replica_devices()]),
        check_close("tf.add_n ran on CPU:0", short_name(matmul_sum.device), "CPU:0"),
        check_close("the sum is a @ b once per device", matmul_sum,
                    len(replica_devices()) * (a_np @ b_np)),
    ]


def mirrored_strategy() -> list[Check]:
    """`tf.distribute.MirroredStrategy` runs one replica of your step on each device.

    A variable created in `strategy.scope()` is mirrored: one copy per device, kept in sync.
    `strategy.run` calls your function once per replica, here with half the batch each, and
    `strategy.reduce(SUM, ...)` all-reduces the replicas' gradients. Each replica divides its
    squared errors by the global batch size 8, not by its own 4, so the sum is exactly the
    whole batch's gradient.

    $$\\frac{\\partial L}{\\partial w} = \\frac{2}{N}\\, x^\\top (xw - y), \\quad N = 8$$
    """
    strategy = tf.distribute.MirroredStrategy(replica_devices()[:2])
    with strategy.scope():
        w = tf.Variable([0.5, -0.5])  # mirrored: one copy on each device
    x, y = regression_batch()  # 8 examples

    def shard(context):  # replica i gets examples 4i to 4i + 3
        i = context.replica_id_in_sync_group
        return x[4 * i:4 * i + 4], y[4 * i:4 * i + 4]

    def replica_gradient(x_part, y_part):  # this replica's share of the mean over all 8
        with tf.GradientTape() as tape:
            L = tf.reduce_sum((tf.linalg.matvec(x_part, w) - y_part) ** 2) / 8
        return tape.gradient(L, w)

    x_parts, y_parts = strategy.experimental_distribute_values_from_function(shard)
    per_replica = strategy.run(replica_gradient, args=(x_parts, y_parts))
    dL_dw = strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
    w_one = tf.Variable([0.5, -0.5])  # the whole batch on one device, for comparison
    with tf.GradientTape() as tape:
        L = tf.reduce_mean((tf.linalg.matvec(x, w_one) - y) ** 2)
    whole = tape.gradient(L, w_one)
    w_np, x_np, y_np = np.array([0.5, -0.5]), x.numpy(), y.numpy()
    return [
        check_close("replicas in sync", strategy.num_replicas_in_sync, 2),
        check_close("w has a copy on each device",
                    [short_name(v.device) for v in strategy.experimental_local_results(w)],
                    [short_name(device) for device in replica_devices()[:2]]),
        check_close("each replica's gradient is half its half's gradient",
                    list(strategy.experimental_local_results(per_replica)),
                    [numpy_gradient(w_np, x_np[:4], y_np[:4]) / 2,
                     numpy_gradient(w_np, x_np[4:], y_np[4:]) / 2]),
        check_close("the all-reduced (summed) gradient equals the whole batch's", dL_dw, whole),
        check_close("and the closed form (2/N)·xᵀ(xw - y)", dL_dw,
                    numpy_gradient(w_np, x_np, y_np)),
    ]


def multi_worker_strategy() -> list[Check]:
    """`tf.distribute.MultiWorkerMirroredStrategy` does the same across processes, which may
    run on other machines.

    Each worker reads the cluster and its own place in it from the `TF_CONFIG` environment
    variable. Here two processes on 127.0.0.1 are tasks 0 and 1 of the job "worker"; each
    computes the gradient of its half of the batch in `strategy.run`, and `strategy.reduce`
    sums them over the network (see `devices_worker.py worker`). Both end up holding the whole
    batch's gradient.
    """
    workers = helper_results("workers")  # two processes, started by configure()
    x, y = regression_batch()  # the batch the two workers split between them
    expected = numpy_gradient(np.array([0.5, -0.5]), x.numpy(), y.numpy())  # (2/N)·xᵀ(xw - y)
    return [
        check_close("two workers, one replica each: replicas in sync",
                    [worker["replicas"] for worker in workers], [2, 2]),
        check_close("the workers are tasks 0 and 1 of the job 'worker'",
                    [worker["device"].split("/device:")[0] for worker in workers],
                    ["/job:worker/replica:0/task:0", "/job:worker/replica:0/task:1"],
                    note="each replica runs on " + ", ".join(
                        short_name(worker["device"]) for worker in workers)),
        check_close("worker 0's all-reduced gradient is the whole batch's",
                    np.float32(workers[0]["gradient"]), expected),
        check_close("worker 1 holds the same all-reduced gradient",
                    np.float32(workers[1]["gradient"]), expected),
    ]


def default_strategy() -> list[Check]:
    """Outside any `strategy.scope()`, `tf.distribute.get_strategy()` returns the default
    strategy: one replica, on the device TF would use anyway.

    It lets library code call `scope`, `run` and `reduce` whether you distribute or not, and
    does nothing special: the SUM over its one replica is the value itself. Inside a scope,
    `get_strategy()` returns that scope's strategy.
    """
    default = tf.distribute.get_strategy()
    mirrored = tf.distribute.MirroredStrategy(replica_devices()[:2])
    with mirrored.scope():
        inside = tf.distribute.get_strategy()
    return [
        check_close("the default strategy has 1 replica in sync",
                    default.num_replicas_in_sync, 1),
        check_close("tf.distribute.has_strategy() is False outside a scope",
                    tf.distribute.has_strategy(), False),
        check_close("its SUM of 1.0 over one replica is 1.0",
                    default.reduce(tf.distribute.ReduceOp.SUM, tf.constant(1.0), axis=None), 1.0),
        check_close("inside MirroredStrategy.scope(), get_strategy() is that strategy",
                    inside is mirrored, True),
    ]


def keras_fit_in_a_strategy_scope() -> list[Check]:
    """To train a Keras model on several devices, create and compile it in `strategy.scope()`;
    `model.fit` then splits each batch between the replicas.

    Here one Dense layer fits the regression batch with 4 plain SGD steps of 2 examples, once
    under `MirroredStrategy` and once on one device, from the same weights with
    `shuffle=False`. `batch_size=2` is the global batch, so each replica gets 1 example of it;
    yet the weights after training equal the one-device weights to float32 rounding, and 4
    steps of w ← w - lr·(2/n)·xᵀ(xw + b - y) in NumPy. The model keeps the strategy of the
    scope it was built in as `model.distribute_strategy`.
    """
    x, y = regression_batch()

    def trained(strategy):  # the same model, data and SGD steps, built in `strategy`'s scope
        with strategy.scope():
            model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(
                1, kernel_initializer=keras.initializers.Constant([[0.5], [-0.5]]))])
            model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        model.fit(x, y[:, None], batch_size=2, epochs=1, shuffle=False, verbose=0)  # 4 steps
        return model

    mirrored = trained(tf.distribute.MirroredStrategy(replica_devices()[:2]))
    one_device = trained(tf.distribute.get_strategy())
    kernel, bias = mirrored.layers[0].kernel, mirrored.layers[0].bias
    w_np, b_np = numpy_sgd(x.numpy(), y.numpy(), np.array([0.5, -0.5]), 0.0, 0.1, 2)
    return [
        check_close("the kernel has a copy on each device",
                    [short_name(v.device) for v in mirrored.distribute_strategy
                     .experimental_local_results(kernel.value)],
                    [short_name(device) for device in replica_devices()[:2]]),
        check_close("mirrored fit's kernel and bias equal the one-device fit's", [kernel, bias],
                    [one_device.layers[0].kernel, one_device.layers[0].bias]),
        check_close("and 4 SGD steps in NumPy", [kernel[:, 0], bias[0]], [w_np, b_np]),
    ]


def distributed_dataset() -> list[Check]:
    """In a custom training loop, `strategy.experimental_distribute_dataset` splits each global
    batch of a `tf.data.Dataset` between the replicas.

    Each replica averages its per-example losses with
    `tf.nn.compute_average_loss(per_example_loss, global_batch_size=8)`, which divides by the
    global batch size 8, not by the 4 examples the replica holds. So the SUM of the replicas'
    losses is the whole batch's mean squared error, and the SUM of their gradients its
    gradient. The step runs in a `tf.function`, as the guide's does.
    """
    strategy = tf.distribute.MirroredStrategy(replica_devices()[:2])
    with strategy.scope():
        w = tf.Variable([0.5, -0.5])
    x, y = regression_batch()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)  # one global batch of 8
    dist_dataset = strategy.experimental_distribute_dataset(dataset)

    def replica_step(x_part, y_part):
        with tf.GradientTape() as tape:
            per_example_loss = (tf.linalg.matvec(x_part, w) - y_part) ** 2
            L = tf.nn.compute_average_loss(per_example_loss, global_batch_size=8)
        return tape.gradient(L, w), L, tf.shape(x_part)[0]

    @tf.function
    def distributed_step(x_parts, y_parts):
        return strategy.run(replica_step, args=(x_parts, y_parts))

    for x_parts, y_parts in dist_dataset:
        per_replica_dL_dw, per_replica_L, examples = distributed_step(x_parts, y_parts)
    dL_dw = strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_dL_dw, axis=None)
    L = strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_L, axis=None)
    w_np, x_np, y_np = np.array([0.5, -0.5]), x.numpy(), y.numpy()
    return [
        check_close("each replica got 4 of the 8 examples",
                    [int(n) for n in strategy.experimental_local_results(examples)], [4, 4]),
        check_close("the summed loss is the whole batch's mean((xw - y)²)", L,
                    np.mean((x_np @ w_np - y_np) ** 2)),
        check_close("the summed gradient is the whole batch's (2/N)·xᵀ(xw - y)", dL_dw,
                    numpy_gradient(w_np, x_np, y_np)),
    ]


EXAMPLES = [
    list_devices,
    device_placement_log,
    place_ops_on_devices,
    memory_growth,
    soft_device_placement,
    manual_replication,
    mirrored_strategy,
    multi_worker_strategy,
    default_strategy,
    keras_fit_in_a_strategy_scope,
    distributed_dataset,
]
