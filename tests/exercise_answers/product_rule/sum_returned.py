# expect: FAIL shape
import numpy as np


def dL_dw_product(w):
    return np.sum(2 * w * np.sin(w) + w**2 * np.cos(w))
