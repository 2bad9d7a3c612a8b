"""Signals other apps listen to; the payments app itself hides no rule in a receiver."""

from django.dispatch import Signal

# Sent once a campaign copied from last year's is committed: source=, campaign=, by=.
# The letters app connects to it to carry the letter template over.
campaign_copied = Signal()
