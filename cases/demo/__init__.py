"""Demo data of the cases app: organisations, users and people (foundation), then casework."""

from . import casework, households, occasions, people, tallies  # noqa: F401
