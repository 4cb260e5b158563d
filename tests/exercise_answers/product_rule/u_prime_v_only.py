# expect: FAIL where the tape gives
import numpy as np


def dL_dw_product(w):
    return 2 * w * np.sin(w)
