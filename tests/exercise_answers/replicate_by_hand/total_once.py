# expect: FAIL total is 1 times a @ b
import tensorflow as tf


def replicated_matmul(devices, a, b):
    products = []
    for device in devices:
        with tf.device(device):
            products.append(tf.matmul(a, b))
    return tf.add_n(products[:1]), products
