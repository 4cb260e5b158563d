# expect: PASS
# w·(2 sin w + w cos w), factored by hand
import numpy as np


def dL_dw_product(w):
    return w * (2 * np.sin(w) + w * np.cos(w))
