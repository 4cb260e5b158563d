# expect: FAIL adds the products with tf.add_n
import tensorflow as tf


def replicated_matmul(devices, a, b):
    products = []
    for device in devices:
        with tf.device(device):
            products.append(tf.matmul(a, b))
    return sum(products), products
