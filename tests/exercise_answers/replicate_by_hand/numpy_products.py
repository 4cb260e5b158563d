# expect: FAIL is an ndarray: keep the tensors themselves
import tensorflow as tf


def replicated_matmul(devices, a, b):
    products = []
    for device in devices:
        with tf.device(device):
            products.append((a @ b).numpy())
    return tf.add_n(products), products
