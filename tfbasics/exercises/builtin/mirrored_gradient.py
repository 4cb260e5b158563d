"""Write a MirroredStrategy step whose all-reduced gradient is the whole batch's gradient.

Write distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size): each replica
computes the gradient of its share of L = mean((x·w - y)²) over the whole batch, `strategy.run`
runs that on both replicas, and `strategy.reduce` combines the two into one gradient, which you
return. x_parts and y_parts are PerReplica values, not lists: `strategy.run` hands each replica
its own part, and `strategy.experimental_local_results(x_parts)` gives them all as a tuple.
The check splits random batches, evenly and unevenly, between two logical CPUs and compares
your gradient with the closed form (2/N)·xᵀ(xw - y).
"""

LESSON = "devices"
ORDER = 3
KIND = "write a replica step"

STUB = '''\
"""Exercise mirrored_gradient: a MirroredStrategy step that gives the whole batch's gradient.

The batch of global_batch_size examples is split between the strategy's two replicas: x_parts
and y_parts are PerReplica values, one part per replica (not lists: strategy.run hands each
replica its own x_part of shape (n, d) and y_part of shape (n,), and
strategy.experimental_local_results(x_parts) gives them all as a tuple). w is a mirrored
tf.Variable of shape (d,). Return the gradient of L = mean((x·w - y)²) over the whole batch,
computed on the replicas and combined into one tensor.
Check it: python -m tfbasics.exercises check mirrored_gradient
"""
import tensorflow as tf


def distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size):
    def replica_step(x_part, y_part):
        ...  # this replica's share of L, on a tape; return its gradient

    ...  # run replica_step on every replica, then combine their gradients
    return ...
'''

SOLUTION = '''\
"""Exercise mirrored_gradient: a MirroredStrategy step that gives the whole batch's gradient.

The batch of global_batch_size examples is split between the strategy's two replicas: x_parts
and y_parts are PerReplica values, one part per replica (not lists: strategy.run hands each
replica its own x_part of shape (n, d) and y_part of shape (n,), and
strategy.experimental_local_results(x_parts) gives them all as a tuple). w is a mirrored
tf.Variable of shape (d,). Return the gradient of L = mean((x·w - y)²) over the whole batch,
computed on the replicas and combined into one tensor.
Check it: python -m tfbasics.exercises check mirrored_gradient
"""
import tensorflow as tf


def distributed_gradient(strategy, w, x_parts, y_parts, global_batch_size):
    def replica_step(x_part, y_part):
        with tf.GradientTape() as tape:
            per_example_loss = (tf.linalg.matvec(x_part, w) - y_part) ** 2
            L = tf.reduce_sum(per_example_loss) / global_batch_size  # this replica's share
        return tape.gradient(L, w)

    per_replica = strategy.run(replica_step, args=(x_parts, y_parts))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)
'''

HINTS = [
    "The replicas' losses should add up to the mean over the whole batch. What must each one "
    "divide its sum of squared errors by, when the replicas hold different numbers of "
    "examples?",
    "In replica_step, record the replica's share on a tf.GradientTape and return "
    "tape.gradient(L, w); strategy.run(replica_step, args=(x_parts, y_parts)) runs it on "
    "every replica.",
    "Divide by global_batch_size (tf.nn.compute_average_loss with global_batch_size= does "
    "it too), then strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None).",
]


def configure():
    """Split the CPU into two logical devices; this must run before TF starts its devices."""
    from tfbasics.exercises.grading import split_cpu_in_two

    split_cpu_in_two()


def grade(student, rng):
    """Split three random batches (one evenly, two unevenly) between two replicas; the
    all-reduced gradient must be (2/N)·xᵀ(xw - y), and typical slips are named."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        call,
        compare,
        require,
        two_cpus,
        uses,
    )

    distributed_gradient = require(student, "distributed_gradient", "distributed_gradient("
                                   "strategy, w, x_parts, y_parts, global_batch_size)")
    strategy = tf.distribute.MirroredStrategy(two_cpus("mirrored_gradient"))

    def summed(x, y, w):  # d/dw Σ(x·w - y)² over some examples: 2·xᵀ(xw - y)
        return 2 * x.T @ (x @ w - y)

    first = 2 * int(rng.integers(2, 6))  # an even split first, then two uneven ones
    sizes = [first, *(int(n) for n in rng.choice([n for n in range(5, 12) if n != first], 2,
                                                 replace=False))]  # three different sizes
    for even, size in zip((True, False, False), sizes, strict=True):
        split = size // 2 if even else int(rng.choice([n for n in range(1, size)
                                                       if 2 * n != size]))
        features = int(rng.integers(2, 5))
        x = np.round(rng.uniform(-2, 2, (size, features)), 2).astype(np.float32)
        y = np.round(rng.uniform(-2, 2, size), 2).astype(np.float32)
        w_value = np.round(rng.uniform(-1, 1, features), 2).astype(np.float32)
        with strategy.scope():
            w = tf.Variable(w_value)  # mirrored: a copy on each CPU

        def shard(context, x=x, y=y, split=split):  # replica 0 gets the first `split`
            first = context.replica_id_in_sync_group == 0
            part = slice(0, split) if first else slice(split, None)
            return tf.constant(x[part]), tf.constant(y[part])

        x_parts, y_parts = strategy.experimental_distribute_values_from_function(shard)
        try:
            got = call(distributed_gradient, strategy, w, x_parts, y_parts, size)
        except Problem as problem:
            if "PerReplica" not in str(problem):
                raise
            raise Problem(f"{problem}: x_parts and y_parts are PerReplica values, not lists; "
                          f"strategy.run hands each replica its own part (and "
                          f"strategy.experimental_local_results(x_parts) gives them all as a "
                          f"tuple)") from None
        if isinstance(got, tf.distribute.DistributedValues):
            raise Problem("distributed_gradient returns one gradient per replica: combine "
                          "them into one tensor with strategy.reduce")
        got = as_array(got, "your gradient", (features,))
        xs, ys, w64 = x.astype(np.float64), y.astype(np.float64), w_value.astype(np.float64)
        parts = [(xs[:split], ys[:split]), (xs[split:], ys[split:])]
        whole = summed(xs, ys, w64) / size  # (2/N)·xᵀ(xw - y)
        own = [summed(xp, yp, w64) / len(yp) for xp, yp in parts]  # each replica's own mean
        at = f"a batch of {size} split {split} + {size - split}"
        slips = [
            (own[0] + own[1], ("it is twice the whole batch's: " if even else "")
             + "each replica divided by its own number of examples, so the sum over the "
             "replicas is not the mean over the batch"),
            (whole / 2, "it is half the whole batch's: the replicas' shares already add up to "
             "the mean, so averaging them halves it"),
            ((own[0] + own[1]) / 2, "averaging the replicas' own means weighs the examples of "
             "the smaller replica more, where each example of the batch should count the "
             "same"),
            (whole * size, f"it is {size} times the whole batch's: the squared errors are "
             f"summed but never divided by the global batch size"),
            (-whole, "it points the opposite way to the whole batch's gradient"),
        ]
        if not np.allclose(got, whole, rtol=1e-4, atol=1e-5):
            for slip, why in slips:
                if np.allclose(got, slip, rtol=1e-4, atol=1e-5):
                    raise Problem(f"for {at} your gradient is wrong: {why}")
        compare(got, whole, "your gradient", at, "dL_dw", rtol=1e-4, atol=1e-5,
                reference="the whole batch's is")
    uses(distributed_gradient, "distributed_gradient", ["run", "reduce"],
         "runs the step on each replica with strategy.run and sums with strategy.reduce")
    return Feedback.ok()
