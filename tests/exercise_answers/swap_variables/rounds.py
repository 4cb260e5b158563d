# expect: FAIL a swap moves values exactly
# a round trip through float16 loses digits
import tensorflow as tf


def swap(a, b):
    old_a = tf.cast(a, tf.float16)
    a.assign(tf.cast(tf.cast(b, tf.float16), tf.float32))
    b.assign(tf.cast(old_a, tf.float32))
