# expect: PASS
# the helper the hint names
import tensorflow as tf

from tfbasics.devices import short_name


def run_on(device, a):
    with tf.device(device):
        c = tf.math.sin(a + a)
    return c, short_name(c.device)
