# expect: FAIL shape
import numpy as np


def dL_dw_product(w):
    return np.array([2 * w[i] * np.sin(w[i]) + w[i] ** 2 * np.cos(w[i]) for i in range(4)])
