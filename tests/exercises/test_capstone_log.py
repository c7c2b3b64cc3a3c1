"""The capstone's provided watch log (a NumPy cell of the notebook, since learners' code runs
without the library at grading) is the log the grader trains on."""

import numpy as np
import pytest

import ex_support as s
from autograder.checks import capstone


def _provided_log_function():
    cell = next(c for c in s.instructor_notebook("a12_capstone").cells
                if s.nbgrader_meta(c).get("grade_id") == "data")
    return s.run_code(["import numpy as np\n", cell.source])["watch_log_split"]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_notebook_log_is_the_graded_log(seed):
    """Does the notebook's watch_log_split give, array for array, the graded split?"""
    provided = _provided_log_function()(seed)
    graded = capstone.watch_log_split(seed)
    assert len(provided) == len(graded) == 6
    for mine, theirs in zip(provided, graded):
        assert np.array_equal(mine, theirs)
