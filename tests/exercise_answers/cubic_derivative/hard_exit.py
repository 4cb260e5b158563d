# expect: FAIL your code calls os._exit(3)
import os

import numpy as np


def dL_dw(w):
    return 4 + 3 * w**2


os._exit(3)
