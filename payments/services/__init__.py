"""Every write to campaigns, payments and batches goes through these functions.

One module per subject; this package re-exports them so callers write
`payments.services.approve_payment` (the contract of DESIGN.md).
"""

from .allocations import *  # noqa: F403
from .approval import *  # noqa: F403
from .batches import *  # noqa: F403
from .bulk_approval import *  # noqa: F403
from .campaigns import *  # noqa: F403
from .payee import *  # noqa: F403
from .payments import *  # noqa: F403
from .resubmission import *  # noqa: F403
from .standards import *  # noqa: F403
from .tallies import *  # noqa: F403
