# expect: FAIL only ops created under tf.device
import tensorflow as tf


def replicated_matmul(devices, a, b):
    products = [tf.matmul(a, b) for device in devices]
    return tf.add_n(products), products
