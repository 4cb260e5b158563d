# expect: PASS
# a module-level tensor used in the graded function
import tensorflow as tf

ONE = tf.constant(1.0)


def replicated_matmul(devices, a, b):
    products = []
    for device in devices:
        with tf.device(device):
            products.append(ONE * tf.linalg.matmul(a, b))
    return tf.add_n(products), products
