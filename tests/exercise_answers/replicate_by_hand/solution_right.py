# expect: PASS
import tensorflow as tf


def replicated_matmul(devices, a, b):
    products = []
    for device in devices:
        with tf.device(device):
            products.append(tf.matmul(a, b))
    total = tf.add_n(products)
    return total, products
