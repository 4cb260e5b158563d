# expect: PASS
import numpy as np


def dL_dw_product(w):
    s, c = np.sin(w), np.cos(w)
    w *= 2 * s + w * c
    return w
