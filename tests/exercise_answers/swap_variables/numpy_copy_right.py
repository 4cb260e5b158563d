# expect: PASS
import tensorflow as tf


def swap(a, b):
    old_a = a.numpy()
    a.assign(b.numpy())
    b.assign(old_a)
