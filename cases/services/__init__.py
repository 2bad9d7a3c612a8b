"""Every write to organisations, people, cases and visits goes through these functions.

One module per subject; this package re-exports them so callers write `cases.services.open_case`.
"""

from .casework import *  # noqa: F403
from .people import *  # noqa: F403
