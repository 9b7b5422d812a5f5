"""`python -m autorecover`."""

import sys

from autorecover.cli import main

sys.exit(main())
