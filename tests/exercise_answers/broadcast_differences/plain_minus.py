# expect: FAIL do not broadcast
import tensorflow as tf


def differences(x, y):
    return x - y
