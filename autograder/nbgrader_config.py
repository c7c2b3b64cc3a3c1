"""nbgrader configuration of the course: the repository is the course directory.

nbgrader's steps map onto the repository: ``source`` = ``solutions/`` (instructor notebooks,
generated from ``solutions/<id>/<id>.md``), ``release`` = ``exercises/`` (student notebooks),
and ``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db`` at the root (local
grading state, never committed). Use it from this folder, or point nbgrader at it::

    cd autograder && nbgrader generate_assignment a01_entropy --force   # fills the gradebook
    cd autograder && nbgrader autograde a01_entropy                     # grades submitted/*/

or ``nbgrader autograde a01_entropy --config autograder/nbgrader_config.py`` from the root.
``make exercises`` runs ``generate_assignment`` for every assignment (in a scratch course
directory) and writes the same student notebooks, byte for byte; ``nbgrader
generate_assignment`` run here also records the assignments in ``gradebook.db``, which
``autograde`` needs.

nbgrader shells out to ``alembic``: put the virtual environment's ``bin`` first on PATH.
"""

import os

from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "cross-entropy-course"
c.CourseDirectory.root = ROOT
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# solutions/<id>/<id>.md is the authored source with the answers: nbgrader copies every other
# file of an assignment folder into the release and into autograded/, so it must be ignored.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]

# Test cells call autograder.checks, which compares with the reference library: the kernels
# that nbgrader starts (validate, autograde) must import both from this checkout even when the
# course package is not installed (a plain clone).
_paths = [ROOT, os.path.join(ROOT, "src")]
_existing = os.environ.get("PYTHONPATH", "")
os.environ["PYTHONPATH"] = os.pathsep.join(_paths + ([_existing] if _existing else []))

# Per-cell time limit. A test cell runs its visible and hidden checks (finite differences
# included) in well under a second; 60 s leaves room for a slow machine, not for a loop.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.ExecutePreprocessor.timeout = 60

# Feedback: drop the hidden-test lines from the cells shown to students. (A failing hidden
# check's traceback can still show the line `check(..., hidden=True)`: that reveals nothing,
# the checks themselves live in autograder/checks.)
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTests]
