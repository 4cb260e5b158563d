# expect: FAIL only ops created under tf.device
import tensorflow as tf


def run_on(device, a):
    c = tf.sin(2.0 * a)
    return c, c.device.rsplit("device:", 1)[-1]
