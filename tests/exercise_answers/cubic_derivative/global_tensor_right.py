# expect: PASS
# a module-level tf.constant used inside the function (the check compares no objects with ==)
import numpy as np
import tensorflow as tf

THREE = tf.constant(3.0)


def dL_dw(w):
    return 4 + float(THREE) * w**2
