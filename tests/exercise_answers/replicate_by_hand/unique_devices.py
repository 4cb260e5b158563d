# expect: FAIL products holds
# one product per distinct device: a list with a device twice gets too few
import tensorflow as tf


def replicated_matmul(devices, a, b):
    products = []
    for device in dict.fromkeys(devices):
        with tf.device(device):
            products.append(a @ b)
    return tf.add_n(products), products
