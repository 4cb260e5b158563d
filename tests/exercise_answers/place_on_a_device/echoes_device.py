# expect: FAIL report where c ran, read from c
import tensorflow as tf


def run_on(device, a):
    with tf.device(device):
        c = tf.sin(2.0 * a)
    return c, "CPU:" + device[-1]
