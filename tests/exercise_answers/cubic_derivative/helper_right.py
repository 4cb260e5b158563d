# expect: PASS
# the derivative of each term in its own helper
import numpy as np


def d_linear(w):
    return 4 * np.ones_like(w)


def d_cubic(w):
    return 3 * np.square(w)


def dL_dw(w):
    return d_linear(w) + d_cubic(w)
