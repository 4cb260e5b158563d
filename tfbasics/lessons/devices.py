"""Devices and distribution

TensorFlow runs each op on a device: pin ops with `tf.device`, or spread a batch over devices
with a strategy. No second GPU needed: the CPU splits in two, and two local processes make a
cluster.

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
    """Split the CPU (and a single GPU) into two logical devices before TF starts them.

    The first example does the same split as the first lines of a program; in the course TF
    has started by then, and setting the same split again changes nothing. This also starts
    the processes that run the placement-log and multi-worker examples' code afresh, so that
    their TensorFlow imports overlap the lessons before this one.
    """
    start_helpers()
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    gpus = tf.config.get_visible_devices("GPU")
    if len(gpus) == 1:
        tf.config.set_logical_device_configuration(
            gpus[0], [tf.config.LogicalDeviceConfiguration(memory_limit=1024)] * 2)


def replica_devices() -> list[str]:  # the GPUs if TF sees any, else the CPUs
    devices = (tf.config.list_logical_devices("GPU")
               or tf.config.list_logical_devices("CPU"))
    return [device.name for device in devices]


def regression_batch():  # 8 examples: x of shape (8, 2) and y of shape (8,)
    x = tf.random.stateless_normal([8, 2], seed=[7, 7])
    y = tf.random.stateless_normal([8], seed=[8, 8])
    return x, y


def batch_share(context):  # replica i's share of the batch: the i-th of n parts
    x, y = regression_batch()
    size = 8 // context.num_replicas_in_sync
    start = context.replica_id_in_sync_group * size
    return x[start:start + size], y[start:start + size]


def replica_gradient(w, x_part, y_part):  # its share of d/dw mean((x·w - y)²)
    with tf.GradientTape() as tape:
        L = tf.reduce_sum((tf.linalg.matvec(x_part, w) - y_part) ** 2) / 8
    return tape.gradient(L, w)


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


def device_placement_log() -> list[Check]:
    """Start your program by turning on the placement log and splitting the CPU in two.

    Both act only before TF starts its devices, so the claims' log is from this code run anew.
    """
    tf.debugging.set_log_device_placement(True)  # before any op runs
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(  # one CPU as two logical CPUs
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    with tf.device("CPU:0"):
        a = tf.constant([1.0, 2.0, 3.0])
        b = a * 2.0
    with tf.device("CPU:1"):
        c = tf.sin(b)  # b is copied to CPU:1 first
    print(c)
    print(c.device)
    # Verify
    [fresh] = helper_results("placement")  # this code, run as a fresh program
    lines = [line for line in fresh["output"].splitlines()
             if line.startswith(("Mul:", "Sin:"))]  # "Sin: (Sin): /job:.../device:CPU:1"
    placed = {line.split(":")[0]: short_name(line) for line in lines}
    sin_2a = np.sin(2 * np.array([1.0, 2.0, 3.0]))
    return [
        check_close("the devices of b and c", [short_name(b.device), short_name(c.device)],
                    ["CPU:0", "CPU:1"], by="the tf.device blocks"),
        check_close("c = sin(2a)", c, sin_2a, by="NumPy"),
        check_close("as a fresh program, the log's devices of Mul and Sin",
                    [placed.get("Mul"), placed.get("Sin")], ["CPU:0", "CPU:1"],
                    by="the tf.device blocks", note="\n".join(lines)),
        check_close("and its c", np.float32(fresh["c"]["value"]), sin_2a, by="NumPy"),
    ]


def list_devices() -> list[Check]:
    """Physical devices are the hardware TF found; logical devices are what it runs ops on.

    Here the logical ones are the CPU's two halves; `replica_devices()` picks those to use.
    """
    print(tf.config.list_physical_devices())
    print(tf.config.list_logical_devices())
    print(replica_devices())
    # Verify
    kind = "GPU" if tf.config.list_logical_devices("GPU") else "CPU"
    return [
        check_close("the physical CPUs",
                    [short_name(d.name) for d in tf.config.list_physical_devices("CPU")],
                    ["CPU:0"], by="one machine"),
        check_close("replica_devices()", [short_name(name) for name in replica_devices()[:2]],
                    [f"{kind}:0", f"{kind}:1"], by="the split in two"),
    ]


def memory_growth() -> list[Check]:
    """TF maps nearly all of a GPU's memory; memory growth makes it take only what it needs.

    It works on GPUs only, before TF starts them: later it raises `RuntimeError`, on a split
    GPU `ValueError`. Without a GPU the loop does nothing; the CPU refuses it with `ValueError`.
    """
    gpus = tf.config.list_physical_devices("GPU")
    try:
        for gpu in gpus:
            tf.config.experimental.set_memory_growth(gpu, True)
    except (RuntimeError, ValueError) as error:  # after TF started the GPUs
        print(error)
    # Verify
    cpu = tf.config.list_physical_devices("CPU")[0]
    checks = [check_raises("set_memory_growth on the CPU",
                           lambda: tf.config.experimental.set_memory_growth(cpu, True),
                           ValueError)]
    if gpus:  # TF started its GPUs when the course began: too late to change them
        split = tf.config.get_logical_device_configuration(gpus[0]) is not None
        checks.append(check_raises(
            "set_memory_growth on a GPU TF has started",
            lambda: tf.config.experimental.set_memory_growth(gpus[0], True),
            ValueError if split else RuntimeError))
    return checks


def soft_device_placement() -> list[Check]:
    """With soft placement on, an op placed on a device that does not exist runs on one that does.

    It is on by default in TF 2, so the matmul on GPU:7 runs here on the first device. Turned
    off, the op raises `InvalidArgumentError`, where the guide says `RuntimeError`.
    """
    with tf.device("/device:GPU:7"):  # there is no GPU:7 here
        a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
        b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        c = tf.matmul(a, b)  # [[22, 28], [49, 64]]
    print(c)
    print(c.device)
    # Verify
    soft = tf.config.get_soft_device_placement()

    def matmul_on_gpu_7():
        with tf.device("/device:GPU:7"):
            return tf.matmul(a, b)

    tf.config.set_soft_device_placement(False)
    try:
        strict = check_raises("with soft placement off, the matmul on GPU:7",
                              matmul_on_gpu_7, tf.errors.InvalidArgumentError)
    finally:
        tf.config.set_soft_device_placement(soft)
    return [
        check_close("soft device placement", soft, True, by="TF 2's default"),
        check_close("the device of c", short_name(c.device), short_name(replica_devices()[0]),
                    by="the first device"),
        check_close("c = a @ b", c, np.array([[1.0, 2, 3], [4, 5, 6]]) @ np.array(
            [[1.0, 2], [3, 4], [5, 6]]), by="NumPy"),
        strict,
    ]


def manual_replication() -> list[Check]:
    """A strategy replicates work for you; you can also do it by hand with `tf.device`.

    Each device multiplies its own copy of a and b; `tf.add_n` sums the results on the CPU.
    """
    c = []
    for device in replica_devices():
        with tf.device(device):
            a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
            b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
            c.append(tf.matmul(a, b))  # [[22, 28], [49, 64]] on each device
    with tf.device("/CPU:0"):
        matmul_sum = tf.add_n(c)  # 2·(a @ b) = [[44, 56], [98, 128]]
    print(matmul_sum)
    # Verify
    a_b = np.array([[1.0, 2, 3], [4, 5, 6]]) @ np.array([[1.0, 2], [3, 4], [5, 6]])
    return [
        check_close("the devices of the matmuls", [short_name(m.device) for m in c],
                    [short_name(device) for device in replica_devices()],
                    by="replica_devices()"),
        check_close("tf.add_n's device", short_name(matmul_sum.device), "CPU:0",
                    by="the tf.device block"),
        check_close("the sum", matmul_sum, len(replica_devices()) * a_b,
                    by="NumPy a @ b once per device"),
    ]


def mirrored_strategy() -> list[Check]:
    """`tf.distribute.MirroredStrategy` runs one replica of your step on each device.

    A variable made in `strategy.scope()` has a copy per device. Each replica's gradient
    divides by the global batch size 8, so `strategy.reduce(SUM, ...)` gives the whole batch's.

    $$\\frac{\\partial L}{\\partial w} = \\frac{2}{N}\\, x^\\top (xw - y), \\quad N = 8$$
    """
    strategy = tf.distribute.MirroredStrategy(replica_devices()[:2])
    with strategy.scope():
        w = tf.Variable([0.5, -0.5])  # mirrored: one copy on each device
    x_parts, y_parts = strategy.experimental_distribute_values_from_function(
        batch_share)
    per_replica = strategy.run(replica_gradient, args=(w, x_parts, y_parts))
    dL_dw = strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
    print(per_replica)
    print(dL_dw)
    # Verify
    w_np, (x, y) = np.array([0.5, -0.5]), [t.numpy() for t in regression_batch()]
    return [
        check_close("replicas in sync", strategy.num_replicas_in_sync, 2, by="two devices"),
        check_close("the devices of w's copies",
                    [short_name(v.device) for v in strategy.experimental_local_results(w)],
                    [short_name(device) for device in replica_devices()[:2]],
                    by="replica_devices()"),
        check_close("each part",
                    list(strategy.experimental_local_results(per_replica)),
                    [numpy_gradient(w_np, x[:4], y[:4]) / 2,
                     numpy_gradient(w_np, x[4:], y[4:]) / 2],
                    by="NumPy (2/8)·xᵀ(xw - y) of each half"),
        check_close("their sum dL/dw", dL_dw, numpy_gradient(w_np, x, y),
                    by="NumPy (2/N)·xᵀ(xw - y) of the whole batch"),
    ]


def multi_worker_strategy() -> list[Check]:
    """`MultiWorkerMirroredStrategy` does the same across processes, on one machine or many.

    Each worker runs this program, its cluster and task read from `TF_CONFIG`, e.g.
    `{"cluster": {"worker": ["127.0.0.1:20000", "127.0.0.1:20001"]}, "task": {"type":
    "worker", "index": 0}}`. Without it there is one worker; run as tasks 0 and 1, each
    worker's `reduce` sums both halves.
    """
    strategy = tf.distribute.MultiWorkerMirroredStrategy()  # reads TF_CONFIG
    with strategy.scope():
        w = tf.Variable([0.5, -0.5])
    x_parts, y_parts = strategy.experimental_distribute_values_from_function(
        batch_share)
    per_replica = strategy.run(replica_gradient, args=(w, x_parts, y_parts))
    dL_dw = strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
    print(strategy.num_replicas_in_sync, dL_dw)
    # Verify
    workers = helper_results("workers")  # this code in two processes, tasks 0 and 1
    x, y = regression_batch()
    whole = numpy_gradient(np.array([0.5, -0.5]), x.numpy(), y.numpy())
    by = "NumPy (2/N)·xᵀ(xw - y) of the whole batch"
    return [
        check_close("replicas without TF_CONFIG", strategy.num_replicas_in_sync, 1,
                    by="one worker, one device"),
        check_close("its dL/dw", dL_dw, whole, by=by),
        check_close("two workers' replicas in sync",
                    [worker["strategy"]["replicas"] for worker in workers], [2, 2],
                    by="one replica per worker"),
        check_close("their tasks", [worker["strategy"]["task"] for worker in workers],
                    [["worker", 0], ["worker", 1]], by="their TF_CONFIG"),
        check_close("worker 0's dL/dw", np.float32(workers[0]["dL_dw"]["value"]), whole, by=by),
        check_close("worker 1's dL/dw", np.float32(workers[1]["dL_dw"]["value"]), whole, by=by),
    ]


def default_strategy() -> list[Check]:
    """Outside any scope, `tf.distribute.get_strategy()` returns the default strategy: one replica.

    Library code can call `run` and `reduce` either way. Inside a scope it returns that strategy.
    """
    default = tf.distribute.get_strategy()
    total = default.reduce(tf.distribute.ReduceOp.SUM, tf.constant(1.0), axis=None)
    print(default.num_replicas_in_sync, tf.distribute.has_strategy(), total)
    mirrored = tf.distribute.MirroredStrategy(replica_devices()[:2])
    with mirrored.scope():
        print(tf.distribute.get_strategy() is mirrored)
    # Verify
    with mirrored.scope():
        inside = tf.distribute.get_strategy()
    return [
        check_close("the default strategy's replicas", default.num_replicas_in_sync, 1,
                    by="the guide"),
        check_close("has_strategy() outside a scope", tf.distribute.has_strategy(), False,
                    by="the guide"),
        check_close("its SUM of 1.0 over one replica", total, 1.0, by="the value itself"),
        check_close("(get_strategy() is mirrored) inside its scope", inside is mirrored, True,
                    by="the guide"),
    ]


def keras_fit_in_a_strategy_scope() -> list[Check]:
    """Build and compile a Keras model in `strategy.scope()`: `fit` then splits each batch.

    `batch_size=2` is the global batch: 1 example per replica, and the weights match one device's.
    """
    x, y = regression_batch()
    def trained(strategy):  # the same model, data and SGD steps, in its scope
        with strategy.scope():
            start = keras.initializers.Constant([[0.5], [-0.5]])
            model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(
                1, kernel_initializer=start)])
            model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        model.fit(x, y[:, None], batch_size=2, shuffle=False, verbose=0)  # 4 steps
        return model

    mirrored = trained(tf.distribute.MirroredStrategy(replica_devices()[:2]))
    one_device = trained(tf.distribute.get_strategy())
    kernel, bias = mirrored.layers[0].kernel, mirrored.layers[0].bias
    print(kernel.numpy().ravel(), bias.numpy())
    # Verify
    w_np, b_np = numpy_sgd(x.numpy(), y.numpy(), np.array([0.5, -0.5]), 0.0, 0.1, 2)
    return [
        check_close("the devices of the kernel's copies",
                    [short_name(v.device) for v in mirrored.distribute_strategy
                     .experimental_local_results(kernel.value)],
                    [short_name(device) for device in replica_devices()[:2]],
                    by="replica_devices()"),
        check_close("mirrored kernel, bias", [kernel, bias],
                    [one_device.layers[0].kernel, one_device.layers[0].bias],
                    by="the one-device fit"),
        check_close("its kernel column and bias", [kernel[:, 0], bias[0]], [w_np, b_np],
                    by="4 SGD steps in NumPy"),
    ]


def distributed_dataset() -> list[Check]:
    """`strategy.experimental_distribute_dataset` splits each batch of a `tf.data.Dataset`.

    `compute_average_loss` divides by the global batch 8, so the replicas' SUM is the batch's.
    """
    strategy = tf.distribute.MirroredStrategy(replica_devices()[:2])
    with strategy.scope():
        w = tf.Variable([0.5, -0.5])
    x, y = regression_batch()
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(8)  # one batch of 8
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
        dL_dw_parts, L_parts, sizes = distributed_step(x_parts, y_parts)
    dL_dw = strategy.reduce(tf.distribute.ReduceOp.SUM, dL_dw_parts, axis=None)
    L = strategy.reduce(tf.distribute.ReduceOp.SUM, L_parts, axis=None)
    print(L.numpy(), dL_dw.numpy())
    # Verify
    w_np, x_np, y_np = np.array([0.5, -0.5]), x.numpy(), y.numpy()
    return [
        check_close("each replica's examples",
                    [int(n) for n in strategy.experimental_local_results(sizes)], [4, 4],
                    by="8 split in two"),
        check_close("the summed loss", L, np.mean((x_np @ w_np - y_np) ** 2),
                    by="NumPy mean((xw - y)²) of the whole batch"),
        check_close("the summed dL/dw", dL_dw, numpy_gradient(w_np, x_np, y_np),
                    by="NumPy (2/N)·xᵀ(xw - y) of the whole batch"),
    ]


EXAMPLES = [
    device_placement_log,
    list_devices,
    memory_growth,
    soft_device_placement,
    manual_replication,
    mirrored_strategy,
    multi_worker_strategy,
    default_strategy,
    keras_fit_in_a_strategy_scope,
    distributed_dataset,
]
