"""The README's API example runs as written, and its lesson table matches the course."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_api_example_runs(tmp_path, monkeypatch):
    text = README.read_text(encoding="utf-8")
    [example] = re.findall(r"## The API\n\n```python\n(.*?)```", text, re.S)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(example, "README.md", "exec"), namespace)  # noqa: S102
    assert namespace["check"].passed
    assert namespace["wrong"].culprit == "analytic" and namespace["wrong"].worst == "w[1]"
    assert not namespace["wrong"].passed
    assert (tmp_path / "tanh.png").stat().st_size > 10_000


def test_lesson_table_lists_the_course():
    from tfbasics.lessons import COURSE

    text = README.read_text(encoding="utf-8")
    assert re.findall(r"^\| `(\w+)` \| \[", text, re.M) == list(COURSE)


def test_gallery_shows_every_figure_with_a_caption():
    text = (README.parent / "docs" / "gallery.md").read_text(encoding="utf-8")
    embedded = re.findall(r"^!\[[^\]]+\]\(\.\./figures/([\w.]+)\)\n\n\*`\w+`: .+", text,
                          re.M)
    committed = sorted(p.name for p in (README.parent / "figures").glob("*.png"))
    assert sorted(embedded) == committed
    inline = re.findall(r"^!\[[^\]]+\]\(figures/([\w.]+)\)", README.read_text("utf-8"), re.M)
    assert 3 <= len(inline) <= 4 and set(inline) <= set(committed)


def test_the_api_reference_names_every_public_helper():
    import tfbasics

    text = (README.parent / "docs" / "api.md").read_text(encoding="utf-8")
    assert [name for name in tfbasics.__all__ if f"`{name}" not in text] == []
