"""A hardship file's passes through the register (困难职工档案的在档期间), kept as rows.

The statistics of a past year must not change when a file changes later: a file that left by
脱困 in 2024 and is reopened (返困) in 2026 still counts as a 2024 脱困 and was out of the register
at the end of 2024 and 2025. The case's own fields hold only its latest state (reopening clears
`closed_at`, a new approval overwrites `file_approved_on`), so each pass is a row: from the
application (or the reopening) through the approval into the register to the exit. The case
services write them under the case's row lock (`cases.services.file_tallies.save_file`); the
file figures, their lists and the tallies all read them.
"""

from django.db import models


class FileSpell(models.Model):
    """One pass of a file: begun by the application or by a reopening (`returned_on` when the
    reopening was a 返困, after 脱困), in the register from `approved_on` (none if never approved
    in this pass) until `ended_at`, when it left as `ended_as` (脱困 `exited`, 退档 `withdrawn`).
    Only the case's latest spell changes; an ended one is kept as it ended."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="spells")
    returned_on = models.DateField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_as = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.approved_on} – {self.ended_at} {self.ended_as}"
