"""House formats (see core.formats.common)."""

from ..common import *  # noqa: F403
