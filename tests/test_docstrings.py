"""Every public function of the library states its formula and shows an example, and no
source file holds a control character (a LaTeX ``\\frac`` in a non-raw string becomes a form
feed and the formula silently loses its command)."""

import importlib
import inspect
import pathlib
import re
import subprocess

import pytest

import crossentropy

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "crossentropy"
TOPIC_MODULES = sorted(
    "crossentropy." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    for path in [*PACKAGE.glob("*.py"), *PACKAGE.glob("recsys/*.py")]
    if not path.stem.startswith("_")
)

# Bookkeeping functions with no formula to state (they still need an example).
NO_FORMULA = {"crossentropy.debugging.find_first_nonfinite", "crossentropy.serving.random_holdout",
              "crossentropy.serving.split_with_holdout",
              "crossentropy.recsys.cli.main", "crossentropy.recsys.cli.build_parser",
              "crossentropy.recsys.cli.default_config",
              "crossentropy.recsys.data.load_interactions",
              "crossentropy.recsys.data.write_interactions",
              "crossentropy.recsys.train.blas_threads"}


def public_functions():
    return list(_public_functions())


def _public_functions():
    for module_name in TOPIC_MODULES:
        module = importlib.import_module(module_name)
        for name in getattr(module, "__all__", []):
            member = getattr(module, name)
            if inspect.isfunction(member):
                yield pytest.param(member, id=f"{module_name}.{name}")


def test_top_level_api_is_documented_in_topic_modules():
    assert {name for name in crossentropy.__all__} <= {
        name for module in TOPIC_MODULES
        for name in getattr(importlib.import_module(module), "__all__", [])
    }


@pytest.mark.parametrize("function", public_functions())
def test_public_function_states_formula_and_example(function):
    doc = inspect.getdoc(function) or ""
    if f"{function.__module__}.{function.__name__}" not in NO_FORMULA:
        assert ":math:" in doc or ".. math::" in doc, "no formula in the docstring"
    assert ">>> " in doc, "no example in the docstring"


def tracked_text_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    suffixes = {".py", ".md", ".yml", ".toml", ".txt", ".cfg"}
    return [ROOT / name for name in listed.stdout.split() if pathlib.Path(name).suffix in suffixes]


def test_sources_hold_no_control_characters():
    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
    bad = [f"{path.relative_to(ROOT)}:{number}"
           for path in tracked_text_files() if path.exists()
           for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
           if control.search(line)]
    assert not bad, f"control characters (a lost backslash?) at {bad}"
