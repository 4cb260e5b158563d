# expect: PASS
import tensorflow as tf


def on(device, a, b):
    with tf.device(device):
        return a @ b


def replicated_matmul(devices, a, b):
    products = [on(device, a, b) for device in devices]
    return tf.add_n(products), products
