# expect: FAIL traced a new graph
"""Exercise trace_once: one graph for every call of leaky_relu.

leaky_relu(x, slope) returns x where x > 0 and slope·x elsewhere. The check calls it with
float32 vectors x of several lengths and a new Python float slope each time; afterwards
leaky_relu.experimental_get_tracing_count() must be 1. As written, it is not. Why?
Check it: python -m tfbasics.exercises check trace_once
"""
import tensorflow as tf


@tf.function
def leaky_relu(x, slope):
    return tf.where(x > 0, x, slope * x)
