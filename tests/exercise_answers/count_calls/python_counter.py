# expect: FAIL went up by 1
# the stub: Python code runs only while TF traces
import tensorflow as tf

calls = 0


@tf.function
def squared_norm(x):
    global calls
    calls += 1
    return tf.reduce_sum(x**2)
