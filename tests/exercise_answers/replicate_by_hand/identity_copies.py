# expect: FAIL and only copied to
# a @ b once, then a copy under each device: no device computes the product
import tensorflow as tf


def replicated_matmul(devices, a, b):
    product = a @ b
    products = []
    for device in devices:
        with tf.device(device):
            products.append(tf.identity(product))
    return tf.add_n(products), products
