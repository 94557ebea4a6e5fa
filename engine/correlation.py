"""The request id of the work in progress, carried from an HTTP request into the jobs it causes.

A context variable, so each request (and each thread a request runs in) has its own; the outbox
stores it with every job written in that context, and the worker binds it again while it runs the job,
so one id finds every log line of an act from the request to its rendered document.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("memberflow_request_id", default=None)


def current() -> str | None:
    return _request_id.get()


@contextmanager
def bound(request_id: str | None) -> Iterator[None]:
    """Run a block with `request_id` as the current id (None clears it)."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)
