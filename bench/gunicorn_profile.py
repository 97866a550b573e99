"""gunicorn config for a profiled run (`bench/openloop.py --profile DIR`): each worker, once it has
loaded the app, runs under cProfile timed by its own CPU (`time.process_time`, so waiting for a core on a loaded machine
is not counted) and writes DIR/worker-<pid>.pstats when it exits."""

import cProfile
import os
import time

_profile = None


def post_worker_init(worker):  # after the worker loaded the app: Django's start-up is not profiled
    global _profile
    _profile = cProfile.Profile(time.process_time)
    _profile.enable()


def worker_exit(server, worker):
    if _profile is not None:
        _profile.disable()
        _profile.dump_stats(os.path.join(os.environ["OPENLOOP_PROFILE_DIR"], f"worker-{os.getpid()}.pstats"))
