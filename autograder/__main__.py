"""``python -m autograder grade ...``: see ``autograder/grading/cli.py``."""

import sys

from autograder.grading.cli import main

if __name__ == "__main__":
    sys.exit(main())
