"""Job kinds: each app registers the function that does one kind of long work.

A handler is `handler(job, progress) -> JobResult | None`; it calls `progress(done, total)` as it
goes and returns the file to offer for download (or None). It raises `RuleViolation` for a
failure the user should read; any other exception is reported as an internal error.
"""

from collections.abc import Callable
from dataclasses import dataclass

HANDLERS: dict[str, Callable] = {}


@dataclass
class JobResult:
    filename: str
    content: bytes | None = None
    path: str | None = None  # a file on disk to move into storage (large results)
    message: str = ""


def job_handler(kind: str) -> Callable:
    def decorate(func: Callable) -> Callable:
        HANDLERS[kind] = func
        return func

    return decorate


def handler_for(kind: str) -> Callable:
    from django.utils.module_loading import autodiscover_modules

    if kind not in HANDLERS:
        autodiscover_modules("jobs")
    return HANDLERS[kind]
