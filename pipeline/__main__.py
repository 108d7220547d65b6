"""``python -m pipeline``: the same command line as the ``jixiao`` console script."""
import sys

from .cli import main

sys.exit(main())
