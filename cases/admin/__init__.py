"""Admin registrations of the cases app, one module per subject."""

from . import casework, occasions, people  # noqa: F401
