# expect: FAIL a swap moves values exactly
# a = a + b; b = a - b; a = a - b: in float32, 1e8 + 1 is 1e8, so a ends at 0, not 1
import tensorflow as tf


def swap(a, b):
    a.assign_add(b)
    b.assign(a - b)
    a.assign_sub(b)
