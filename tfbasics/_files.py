"""Files the course writes (figures, notebooks): written atomically, readable by everyone.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: str | os.PathLike, data: bytes) -> Path:
    """Write bytes to a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist; "
                                f"create it first")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix,
                                             dir=path.parent)
    except PermissionError:
        raise PermissionError(f"cannot write {path}: folder {path.parent} is not writable; "
                              f"choose another folder") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; outputs are for everyone to read
        os.replace(temporary, path)  # atomic: readers see the old file or the new, never half
    except BaseException:
        os.unlink(temporary)
        raise
    return path
