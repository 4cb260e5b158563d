# expect: FAIL line 3: the file is not UTF-8 text
import numpy as np
# café, saved as Latin-1


def dL_dw(w):
    return 4 + 3 * w**2
