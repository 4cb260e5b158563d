# expect: PASS
import tensorflow as tf


def run_on(device, a):
    with tf.device(device):
        c = tf.sin(tf.multiply(a, 2.0))
    return c, ":".join(c.device.split(":")[-2:])
