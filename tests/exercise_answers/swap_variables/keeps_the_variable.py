# expect: FAIL both hold what b held
import tensorflow as tf


def swap(a, b):
    old_a = a
    a.assign(b)
    b.assign(old_a)
