# expect: PASS
import tensorflow as tf


def run_on(device, a):
    with tf.device(device):
        c = tf.sin(2.0 * a)
    where = c.device.rsplit("device:", 1)[-1]
    return c, where
