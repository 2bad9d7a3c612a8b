"""Admin registrations of the cases app, one module per subject."""

from . import casework, people  # noqa: F401
