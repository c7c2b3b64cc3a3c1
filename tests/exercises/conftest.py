"""The exercise tests import their helpers (ex_support) and the wrong-answer corpus from here."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
