# expect: PASS
# Python math, element by element, any shape
import math

import numpy as np


def dL_dw_product(w):
    flat = [2 * v * math.sin(v) + v * v * math.cos(v) for v in w.ravel()]
    return np.array(flat).reshape(w.shape)
