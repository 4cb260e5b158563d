# expect: PASS
# changes its input in place: the check hands over a fresh writable copy
import numpy as np


def dL_dw(w):
    w **= 2
    w *= 3
    w += 4
    return w
