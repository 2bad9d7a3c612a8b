"""Rule violations of casework: each names what went wrong so the officer can act on it.

`field` (when set) names the form field the message belongs to, so a view can show it in place.
"""

from core.errors import RuleViolation


class CaseworkViolation(RuleViolation):
    code = "casework"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message, code=code)
        self.field = field


class CaseworkNotAllowed(CaseworkViolation):
    """The acting user's role does not allow casework (finance, leader, auditor...)."""

    code = "casework_not_allowed"


class OutOfScope(CaseworkViolation):
    """The person or case belongs to an organisation outside the acting user's scope."""

    code = "out_of_scope"


class DuplicateOpenCase(CaseworkViolation):
    """A person has at most one open case per category."""

    code = "duplicate_open_case"


class InvalidCaseData(CaseworkViolation):
    code = "invalid_case_data"


class HouseholdInAnotherFile(InvalidCaseData):
    """The person already belongs to another live hardship file (one household, one file)."""

    code = "household_in_another_file"


class CaseStateError(CaseworkViolation):
    """The step does not apply to the case in its current state."""

    code = "case_state"


class VerificationNeedsVisit(CaseworkViolation):
    code = "verification_needs_visit"


class FileNeedsHomeVisit(VerificationNeedsVisit):
    """A hardship file moves on only after a home visit (入户走访); a phone call does not count."""

    code = "file_needs_home_visit"


class FileApprovalNotAllowed(CaseworkViolation):
    """Only the upper-level union approves a file, never the union that proposed it."""

    code = "file_approval_not_allowed"


class ReasonRequired(CaseworkViolation):
    code = "reason_required"


class InvalidVisit(CaseworkViolation):
    code = "invalid_visit"


class AttachmentRejected(CaseworkViolation):
    code = "attachment_rejected"
