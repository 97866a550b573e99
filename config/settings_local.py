"""Settings for a developer's machine: `make run`, `make test`, `make worker` and the benchmarks.

They supply what production must set itself (DEBUG, a secret key) and then read everything
else from config.settings. Production never uses this module, and config.settings refuses the
key below whenever DEBUG is off.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DJANGO_SECRET_KEY", "local-demo-only-insecure-key")

from .settings import *  # noqa: E402,F401,F403
