"""Run every example's shown code as a student would paste it: python tests/pasted.py FOLDER NAME...

For each lesson named, each example becomes a file of its own in FOLDER: the imports the
lesson shows, the lesson's definitions the example uses, then its code, exactly as the
course prints them. Each file runs with `runpy` in a fresh namespace (one process per call,
TensorFlow imported once; a real file, so AutoGraph reads its source as it reads a script's).
A lesson with `configure()` (the devices lesson's two logical CPUs) gets it first, as its
notebook does. Prints one JSON object: {"lesson.example": null or the error's last lines}.
"""

import json
import os
import runpy
import sys
import traceback
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from tfbasics.course.lesson import load, outline  # noqa: E402


def main(folder: Path, names: list[str]) -> dict:
    """Write and run each example of the named lessons; return what each raised."""
    results = {}
    for name in names:
        lesson = outline(name)
        configure = getattr(load(name), "configure", None)
        if configure is not None:
            configure()
        for example in lesson.examples:
            parts = [lesson.imports, *(code for _, code in example.helpers), example.code]
            path = folder / f"{name}__{example.name}.py"
            path.write_text("\n\n".join(part for part in parts if part) + "\n",
                            encoding="utf-8")
            os.chdir(folder)
            try:
                runpy.run_path(str(path), run_name="__main__")
                results[f"{name}.{example.name}"] = None
            except BaseException:  # noqa: BLE001 - every failure is reported by the test
                results[f"{name}.{example.name}"] = traceback.format_exc()[-1500:]
    return results


if __name__ == "__main__":
    target = Path(sys.argv[1]).resolve()
    target.mkdir(parents=True, exist_ok=True)
    found = main(target, sys.argv[2:])
    sys.stdout.flush()
    print("RESULT " + json.dumps(found))
