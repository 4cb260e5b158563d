# expect: PASS
import numpy as np


def dL_dw_product(w):
    return 2 * w * np.sin(w) + w**2 * np.cos(w)
