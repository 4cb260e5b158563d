# expect: FAIL both hold what b held
# read_value() after the first assign reads the new value
import tensorflow as tf


def swap(a, b):
    a.assign(b)
    b.assign(a.read_value())
