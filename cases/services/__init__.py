"""Every write to organisations, people, cases and visits goes through these functions.

One module per subject; this package re-exports them so callers write `cases.services.open_case`:
`eligibility` (the suggested hardship level), `opening` (one open case per person and category),
`visits` and `attachments` (走访 and its files), `lifecycle` (verify, close, reopen),
`hardship_file` (公示, upper-level approval, tier), `households` (members, rigid expenses,
one household one file), `reviews` (年度复核), `people`;
`checks` holds the role, scope and lock checks every step makes first.
"""

from .attachments import *  # noqa: F403
from .eligibility import *  # noqa: F403
from .exits import *  # noqa: F403
from .hardship_file import *  # noqa: F403
from .households import *  # noqa: F403
from .lifecycle import *  # noqa: F403
from .opening import *  # noqa: F403
from .people import *  # noqa: F403
from .retention import *  # noqa: F403
from .reviews import *  # noqa: F403
from .visits import *  # noqa: F403
