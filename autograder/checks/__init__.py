"""The checks that the exercise notebooks' test cells call.

``check("test_softmax-stability", softmax)`` runs the visible checks of that test cell on the
learner's ``softmax`` (the self-check); ``check(..., hidden=True)`` adds the hidden ones (at
grading). ``REGISTRY`` maps every test cell's ``grade_id`` to a :class:`TestCell`. One module
per assignment topic registers its test cells on import.
"""

from . import binary, categorical, information, likelihood, logistic, softmax  # noqa: F401
from . import gradients, ranking, retrieval  # noqa: F401  (a07-a09)
from . import capstone, in_batch, sampling  # noqa: F401  (a10-a12)
from ._core import PUBLIC_SEED, REGISTRY, CheckFailed, TestCell, check

__all__ = ["check", "CheckFailed", "TestCell", "REGISTRY", "PUBLIC_SEED"]
