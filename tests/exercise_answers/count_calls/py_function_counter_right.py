# expect: PASS
# a Python count run on every call through tf.py_function (runs in the graph each time)
import tensorflow as tf

calls = tf.Variable(0)


def bump():
    calls.assign_add(1)
    return 0


@tf.function
def squared_norm(x):
    tf.py_function(bump, [], tf.int32)
    return tf.reduce_sum(x**2)
