"""``python -m crossentropy.recsys``: see :mod:`crossentropy.recsys.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
