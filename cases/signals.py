"""Signals other apps listen to; the cases app hides no rule in a receiver."""

from django.dispatch import Signal

# Sent inside the transaction that changed a case's hardship tier, after the case row is saved:
# case_id=, old=, new=. The payments app moves the case's payments in its statistics tallies
# (they are counted under their case's current tier), which the cases app cannot import.
case_tier_changed = Signal()
