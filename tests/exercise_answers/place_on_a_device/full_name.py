# expect: FAIL the full device name
import tensorflow as tf


def run_on(device, a):
    with tf.device(device):
        c = tf.sin(2.0 * a)
    return c, c.device
