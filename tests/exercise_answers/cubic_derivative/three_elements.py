# expect: FAIL shape
# written out for three elements: right only for w of shape (3,)
import numpy as np


def dL_dw(w):
    return np.array([4 + 3 * w[0] ** 2, 4 + 3 * w[1] ** 2, 4 + 3 * w[2] ** 2])
