# expect: PASS
# one element at a time, for any shape
import numpy as np


def dL_dw(w):
    out = np.empty_like(w)
    for index in np.ndindex(w.shape):
        out[index] = 4 + 3 * w[index] ** 2
    return out
