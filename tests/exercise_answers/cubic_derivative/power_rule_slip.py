# expect: FAIL where the tape gives
import numpy as np


def dL_dw(w):
    return 4 + 2 * w**2
