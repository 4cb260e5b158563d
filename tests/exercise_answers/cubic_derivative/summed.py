# expect: FAIL shape
import numpy as np


def dL_dw(w):
    return np.sum(4 + 3 * w**2)
