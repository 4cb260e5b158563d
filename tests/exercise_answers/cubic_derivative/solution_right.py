# expect: PASS
import numpy as np


def dL_dw(w):
    return 4 + 3 * w**2
