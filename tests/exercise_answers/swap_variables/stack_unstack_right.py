# expect: PASS
import tensorflow as tf


def swap(a, b):
    both = tf.stack([b, a])
    a.assign(both[0])
    b.assign(both[1])
