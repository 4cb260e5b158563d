# expect: PASS
# a thread that outlives the check: the verdict is out before it ends
import threading
import time

import numpy as np

threading.Thread(target=time.sleep, args=(3,)).start()


def dL_dw(w):
    return 4 + 3 * w**2
