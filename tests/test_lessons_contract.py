"""Every lesson keeps the contract in tfbasics/lessons/__init__.py, read from its source."""

import ast
import re

import pytest

from tfbasics.course import lesson as lessons
from tfbasics.lessons import COURSE

SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)(?<!vs)[.!?](?=\s|$)")


def sentences(text):
    """Count the sentences of a paragraph of prose (roughly: full stops followed by a space)."""
    return len(SENTENCE_END.findall(" ".join(text.split())))


@pytest.mark.parametrize("name", COURSE)
def test_the_lesson_docstring_has_title_introduction_and_guide(name):
    outline = lessons.outline(name)
    assert outline.title and not outline.title.endswith(".")
    assert sentences(outline.introduction) >= 2
    assert re.match(r"Guides?: https://www\.tensorflow\.org/guide/", outline.guide)


@pytest.mark.parametrize("name", COURSE)
def test_each_example_explains_itself_in_two_to_six_sentences(name):
    for example in lessons.outline(name).examples:
        count = sentences(example.prose)
        assert 2 <= count <= 6, f"{name}.{example.name}: {count} sentences"


@pytest.mark.parametrize("name", COURSE)
def test_example_bodies_run_at_the_top_level_of_a_cell(name):
    outline = lessons.outline(name)
    functions = {node.name: node for node in outline.tree.body
                 if isinstance(node, ast.FunctionDef)}
    module_names = {node.name for node in outline.tree.body
                    if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    module_names |= {target.id for node in outline.tree.body if isinstance(node, ast.Assign)
                     for target in node.targets if isinstance(target, ast.Name)}
    for example in outline.examples:
        node = functions[example.name]
        assert isinstance(node.body[-1], ast.Return), example.name
        nested = {id(n) for inner in ast.walk(node) if inner is not node and isinstance(
            inner, (ast.FunctionDef, ast.Lambda)) for n in ast.walk(inner)}
        returns = [n for n in ast.walk(node) if isinstance(n, ast.Return) and id(n) not in nested]
        assert returns == [node.body[-1]], f"{example.name} returns early"
        assigned = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)
                    and isinstance(n.ctx, ast.Store) and id(n) not in nested}
        assert not assigned & module_names, f"{example.name} reassigns {assigned & module_names}"
        compile(example.code, example.name, "exec")  # what a student types is valid Python
        compile(example.verify, example.name, "exec")  # so is the notebook's check cell
        last = example.verify.splitlines()[-1] if example.verify else ""
        assert example.verify.startswith("show") or "show(" in example.verify, example.name
        assert last.rstrip().endswith(")"), example.name


@pytest.mark.parametrize("name", COURSE)
def test_figure_examples_take_figures_dir_and_the_rest_nothing(name):
    outline = lessons.outline(name)
    functions = {node.name: node for node in outline.tree.body
                 if isinstance(node, ast.FunctionDef)}
    for example in outline.examples:
        arguments = [a.arg for a in functions[example.name].args.args]
        assert arguments == (["figures_dir"] if example.figure else []), example.name


@pytest.mark.parametrize("name, heading", [
    ("gradient_of_a_cubic", "Gradient of a cubic"),
    ("forward_mode_jvp", "Forward mode JVP"),
    ("none_through_numpy", "None through NumPy"),
    ("plot_hessian_heat_map", "Plot Hessian heat map"),
    ("a_keras_layer_builds_once", "A Keras layer builds once"),
])
def test_a_heading_keeps_the_usual_spelling_of_names(name, heading):
    example = lessons.Example("autodiff", name, 1, "", "", "", False, 1)
    assert example.heading == heading
