"""Rate limits: per user, whatever they present (each of their tokens, the browser's session), so
that making tokens does not multiply the rate (settings.API_THROTTLE_RATE); unauthenticated
requests per address.

Counted in the cache with atomic increments (Redis in production): every gunicorn process and
host adds to the same counter. DRF's SimpleRateThrottle reads a list and writes it back, so two
processes answering at once each counted one request where there were two. The window slides:
the last window's count weighs by the part of it still within the period, so a client cannot
send twice the rate across the boundary of two windows."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

DURATIONS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`600/min` → (600, 60)."""
    number, period = rate.split("/")
    return int(number), DURATIONS[period[0]]


def _count(key: str, timeout: int) -> int:
    """Add one to the counter `key` atomically and return it (the first request creates it)."""
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        return 1


class UserRateThrottle(BaseThrottle):
    scope = "api-rate"

    def __init__(self):
        self.wait_seconds = None

    def ident(self, request) -> str:
        if request.user and request.user.is_authenticated:
            return f"user-{request.user.pk}"
        return f"ip-{self.get_ident(request)}"

    def allow_request(self, request, view):
        # Read at each request, so that a changed setting (a test's) applies at once.
        allowed, period = parse_rate(settings.API_THROTTLE_RATE)
        now = time.time()
        window, into = divmod(now, period)
        window = int(window)
        prefix = f"{self.scope}:{self.ident(request)}:{period}"
        key = f"{prefix}:{window}"
        current = _count(key, period * 2 + 1)
        previous = cache.get(f"{prefix}:{window - 1}") or 0
        weighted = previous * (period - into) / period + current
        if weighted <= allowed:
            return True
        try:
            cache.decr(key)  # a refused request is not counted (as in DRF's throttles)
        except ValueError:
            pass
        # Until enough of the last window has slid out, or else until the next window starts.
        slide = (weighted - allowed) * period / previous if previous else period
        self.wait_seconds = max(1, min(slide, period - into))
        return False

    def wait(self):
        return self.wait_seconds
