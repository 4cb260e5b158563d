# expect: FAIL where the tape gives
# the gradient at w = 1 only
import numpy as np


def dL_dw(w):
    return 7.0 + 0 * w
