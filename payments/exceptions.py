"""The rules a payment step can break, each a `RuleViolation` whose message a user can act on."""

from core.errors import RuleViolation


class NotPermitted(RuleViolation):
    code = "not_permitted"


class OutOfScope(RuleViolation):
    code = "out_of_scope"


class FourEyesViolation(RuleViolation):
    code = "four_eyes"


class InvalidTransition(RuleViolation):
    code = "invalid_transition"


class BudgetExceeded(RuleViolation):
    code = "budget_exceeded"


class AnnualCapExceeded(RuleViolation):
    code = "annual_cap_exceeded"


class DuplicateLivePayment(RuleViolation):
    code = "duplicate_live_payment"


class JustificationRequired(RuleViolation):
    code = "justification_required"


class ReasonRequired(RuleViolation):
    code = "reason_required"


class InvalidAmount(RuleViolation):
    code = "invalid_amount"


class CampaignNotOpen(RuleViolation):
    code = "campaign_not_open"


class BatchRefused(RuleViolation):
    code = "batch_refused"


class BankResultInvalid(RuleViolation):
    """The bank result file has problems; `problems` lists every one as (row, column, reason)."""

    code = "bank_result_invalid"

    def __init__(self, message: str, problems: list[tuple[int | str, str, str]]):
        super().__init__(message)
        self.problems = problems


class AllocationExceeded(RuleViolation):
    code = "allocation_exceeded"


class AllocationInvalid(RuleViolation):
    code = "allocation_invalid"


class HardshipFileNotCurrent(RuleViolation):
    """Hardship payments go only to files in file (建档) and reviewed for the year (年度复核)."""

    code = "hardship_file_not_current"


class HouseholdCapExceeded(RuleViolation):
    code = "household_cap_exceeded"


class UpperLevelApprovalRequired(RuleViolation):
    code = "upper_level_approval_required"


class PaymentsBusy(RuleViolation):
    """Another transaction holds the payments this step must move; waiting could deadlock."""

    code = "payments_busy"
