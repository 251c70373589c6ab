"""``python -m appsync_codegen``: the ``appsync-codegen`` command."""

import sys

from .cli import main

sys.exit(main())
