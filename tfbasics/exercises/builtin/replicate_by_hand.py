"""Replicate by hand: a matmul on each device you are given, then tf.add_n of the results.

Write replicated_matmul(devices, a, b): for each device in the list, compute a @ b on that
device with `tf.device`, then add the products with `tf.add_n`; return (total, products), the
sum and the list of products in the order of `devices`. The check gives lists of two or more
logical CPUs, reads where each product ran, and compares the values with NumPy's.
"""

LESSON = "devices"
ORDER = 2
KIND = "replicate by hand"

STUB = '''\
"""Exercise replicate_by_hand: a @ b on each device of a list, then the sum with tf.add_n.

replicated_matmul(devices, a, b) computes a @ b once on each device in `devices` (names such
as "/CPU:0"), in order, and returns (total, products): the list of products, and their sum
made with tf.add_n.
Check it: python -m tfbasics.exercises check replicate_by_hand
"""
import tensorflow as tf


def replicated_matmul(devices, a, b):
    products = []
    for device in devices:
        ...  # a @ b, computed on this device
    total = ...  # the sum of the products, with tf.add_n
    return total, products
'''

SOLUTION = '''\
"""Exercise replicate_by_hand: a @ b on each device of a list, then the sum with tf.add_n.

replicated_matmul(devices, a, b) computes a @ b once on each device in `devices` (names such
as "/CPU:0"), in order, and returns (total, products): the list of products, and their sum
made with tf.add_n.
Check it: python -m tfbasics.exercises check replicate_by_hand
"""
import tensorflow as tf


def replicated_matmul(devices, a, b):
    products = []
    for device in devices:
        with tf.device(device):
            products.append(tf.matmul(a, b))  # a and b are copied to this device first
    total = tf.add_n(products)  # len(devices)·(a @ b)
    return total, products
'''

HINTS = [
    "An op runs on the device named by the `with tf.device(...)` block it is created in.",
    "Inside the loop, open `with tf.device(device):` and append tf.matmul(a, b) to products.",
    "tf.add_n(products) adds a list of tensors of the same shape.",
]


def configure():
    """Split the CPU into two logical devices; this must run before TF starts its devices."""
    from tfbasics.exercises.grading import split_cpu_in_two

    split_cpu_in_two()


def grade(student, rng):
    """Run replicated_matmul on lists of 2 to 4 devices; check each product's device and
    value, and the total, against NumPy."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.devices import short_name
    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        article,
        as_array,
        call,
        compare,
        require,
        two_cpus,
        uses,
    )

    replicated_matmul = require(student, "replicated_matmul", "replicated_matmul(devices, a, b)")
    cpus = two_cpus("replicate_by_hand")
    for indices in ([0, 1], [1, 0, 1], list(rng.integers(0, 2, int(rng.integers(2, 5))))):
        devices = [f"/CPU:{int(i)}" for i in indices]
        rows, inner, columns = (int(n) for n in rng.integers(1, 5, 3))
        a = np.round(rng.uniform(-2, 2, (rows, inner)), 2).astype(np.float32)
        b = np.round(rng.uniform(-2, 2, (inner, columns)), 2).astype(np.float32)
        product = a.astype(np.float64) @ b.astype(np.float64)
        result = call(replicated_matmul, devices, tf.constant(a), tf.constant(b))
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Problem("replicated_matmul should return two values: (total, products)")
        total, products = result
        at = f"devices = {devices}"
        if not isinstance(products, (list, tuple)) or len(products) != len(devices):
            count = len(products) if isinstance(products, (list, tuple)) else "no list of"
            raise Problem(f"for {at} products holds {count} tensors: it should hold one per "
                          f"device in the list, in its order")
        for number, (made, device) in enumerate(zip(products, devices, strict=True)):
            if not isinstance(made, tf.Tensor):
                noun = type(made).__name__
                raise Problem(f"for {at} products[{number}] is {article(noun)} {noun}: keep the "
                              f"tensors themselves (the check reads where each one ran)")
            ran, wanted = short_name(made.device), short_name(cpus[int(indices[number])])
            if ran != wanted:
                raise Problem(f"for {at} products[{number}] ran on {ran}, not on {device}: "
                              f"only ops created under tf.device(...) run there")
            compare(made, product, f"products[{number}]", at, f"products[{number}]",
                    rtol=1e-5, atol=1e-5)
        got = as_array(total, "total", product.shape)
        for times in range(len(devices) + 2):
            if times != len(devices) and np.allclose(got, times * product, rtol=1e-5,
                                                     atol=1e-5):
                raise Problem(f"for {at} total is {times} times a @ b: it should add up the "
                              f"products of all {len(devices)} devices")
        compare(got, len(devices) * product, "total", at, "total", rtol=1e-5, atol=1e-5)
    uses(replicated_matmul, "replicated_matmul", ["add_n"], "adds the products with tf.add_n")
    _computed_on_each(replicated_matmul, devices, indices, cpus, a, b)
    return Feedback.ok()


def _computed_on_each(replicated_matmul, devices, indices, cpus, a, b):
    """Trace replicated_matmul into a graph and follow each product back past copies
    (Identity) to the op that computed it: one op per device, placed on that device. A
    product computed once and copied to each device (tf.identity under tf.device) shows
    there as one op shared by every product. Code that cannot be traced is judged by the
    eager checks alone."""
    import tensorflow as tf

    from tfbasics.devices import short_name
    from tfbasics.exercises.grading import Problem

    seen = []

    def run(a, b):
        seen[:] = list(replicated_matmul(devices, a, b)[1])
        return tf.add_n(seen)

    try:
        tf.function(run).get_concrete_function(tf.TensorSpec(a.shape, tf.float32),
                                               tf.TensorSpec(b.shape, tf.float32))
    except Exception:  # noqa: BLE001 - e.g. .numpy() in the answer: no graph to read
        return
    made = []
    for number, product in enumerate(seen):
        op = product.op
        while op.type in ("Identity", "IdentityN") and op.inputs:
            op = op.inputs[0].op
        wanted = short_name(cpus[int(indices[number])])
        if any(op is other for other in made):
            raise Problem(f"for devices = {devices} products[{number}] is a copy of a product "
                          f"computed once: compute a @ b on each device, inside its "
                          f"tf.device block")
        if short_name(op.device) != wanted:
            where = f"on {short_name(op.device)}" if op.device else "outside any tf.device block"
            raise Problem(f"for devices = {devices} products[{number}] was computed "
                          f"{where} "
                          f"and only copied to {devices[number]}: compute a @ b itself inside "
                          f"the tf.device block")
        made.append(op)
