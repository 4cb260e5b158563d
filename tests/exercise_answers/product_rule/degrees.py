# expect: FAIL where the tape gives
import numpy as np


def dL_dw_product(w):
    return 2 * w * np.sin(np.degrees(w)) + w**2 * np.cos(np.degrees(w))
