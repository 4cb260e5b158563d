"""Place a computation on the device you are given, and report where it ran.

Write run_on(device, a): compute c = sin(2·a) on `device` (a name such as "/CPU:1") with
`tf.device`, and return (c, where): the tensor itself and the short name of the device it
really ran on, such as "CPU:1", read from c. The check gives you each of two logical CPUs in
turn, with inputs that live on the other one.
"""

LESSON = "devices"
ORDER = 1
KIND = "place an op"

STUB = '''\
"""Exercise place_on_a_device: compute sin(2a) on the device you are given; say where it ran.

run_on(device, a) computes c = sin(2·a) on `device` (e.g. "/CPU:1" or "/device:CPU:0") and
returns (c, where): the tensor c, and the short name of the device c ran on, e.g. "CPU:1".
Check it: python -m tfbasics.exercises check place_on_a_device
"""
import tensorflow as tf


def run_on(device, a):
    c = tf.sin(2.0 * a)
    where = ...  # the short name of the device c ran on
    return c, where
'''

SOLUTION = '''\
"""Exercise place_on_a_device: compute sin(2a) on the device you are given; say where it ran.

run_on(device, a) computes c = sin(2·a) on `device` (e.g. "/CPU:1" or "/device:CPU:0") and
returns (c, where): the tensor c, and the short name of the device c ran on, e.g. "CPU:1".
Check it: python -m tfbasics.exercises check place_on_a_device
"""
import tensorflow as tf


def run_on(device, a):
    with tf.device(device):
        c = tf.sin(2.0 * a)  # a lives on another device: TF copies it here first
    where = c.device.rsplit("device:", 1)[-1]  # "/job:localhost/.../device:CPU:1" → "CPU:1"
    return c, where
'''

HINTS = [
    "Where does TF run an op when you say nothing? And what does a tensor's .device attribute "
    "hold?",
    "Ops created inside `with tf.device(device):` run on that device.",
    "c.device is a full name like '/job:localhost/replica:0/task:0/device:CPU:1': the short "
    "name is what follows 'device:' (tfbasics.devices.short_name does that).",
]


def configure():
    """Split the CPU into two logical devices; this must run before TF starts its devices."""
    from tfbasics.exercises.grading import split_cpu_in_two

    split_cpu_in_two()


def grade(student, rng):
    """Run run_on on each CPU in turn; check where c ran, what you reported, and c itself."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.devices import short_name
    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        call,
        compare,
        require,
        show,
        two_cpus,
    )

    run_on = require(student, "run_on", "run_on(device, a)")
    cpus = two_cpus("place_on_a_device")
    spellings = ["/device:CPU:{}", "CPU:{}", "/job:localhost/replica:0/task:0/device:CPU:{}"]
    for index, spelling in ((1, "/CPU:{}"), (0, spellings[int(rng.integers(3))]),
                            (1, spellings[int(rng.integers(3))])):  # the lesson's first
        device = spelling.format(index)
        wanted = short_name(cpus[index])  # "CPU:1"
        values = np.round(rng.uniform(-2, 2, int(rng.integers(2, 6))), 2).astype(np.float32)
        with tf.device(cpus[1 - index]):  # a lives on the other device
            a = tf.constant(values)
        result = call(run_on, device, a)
        if not (isinstance(result, (tuple, list)) and len(result) == 2):
            raise Problem("run_on should return two values: (c, where)")
        c, where = result
        if not isinstance(c, tf.Tensor):
            raise Problem(f"run_on should return the tensor c itself (the check reads where "
                          f"it ran from c.device), not a {type(c).__name__}")
        ran = short_name(c.device)
        at = f"for device = {device!r}"
        if ran != wanted:
            raise Problem(f"{at} c ran on {ran}, not on {wanted}: only ops created under "
                          f"tf.device(device) run there")
        if not isinstance(where, str):
            raise Problem(f"{at} where is a {type(where).__name__}: it should be a string "
                          f"such as 'CPU:0'")
        if where != ran:
            if where == c.device:
                raise Problem(f"{at} where is the full device name {where!r}: the task "
                              f"asks for its short form, such as 'CPU:0'")
            if where == device:
                raise Problem(f"{at} where is the device you were given, as given: report "
                              f"the device c ran on, read from c, in its short form")
            raise Problem(f"{at} you reported {where!r}, but c ran on {ran}")
        compare(c, np.sin(2 * values.astype(np.float64)), "c", f"a = {show(values, 3)}", "c",
                rtol=1e-5)
    # A device TF does not have: soft placement runs c on CPU:0, so where must say CPU:0,
    # read from c, not from the device asked for.
    c, where = call(run_on, "/CPU:7", a)
    if isinstance(c, tf.Tensor) and where != short_name(c.device):
        raise Problem(f"for device = '/CPU:7', which TF does not have, c ran on "
                      f"{short_name(c.device)} (TF placed it softly), but you reported "
                      f"{where!r}: report where c ran, read from c, not the device asked for")
    return Feedback.ok()
