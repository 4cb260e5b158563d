# expect: FAIL your code calls sys.exit(0)
import sys

import numpy as np


def dL_dw(w):
    return 4 + 3 * w**2


sys.exit(0)
