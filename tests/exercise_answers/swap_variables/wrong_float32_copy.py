# expect: FAIL a swap moves values exactly
import tensorflow as tf


def swap(a, b):
    tmp = tf.identity(tf.cast(a, tf.float32))   # a real copy, but rounded to float32
    a.assign(b)
    b.assign(tf.cast(tmp, b.dtype))
