# expect: FAIL where the tape gives
import numpy as np


def dL_dw(w):
    return 4 * w + 3 * w**2
