"""The rules a recuperation step can break, each a `RuleViolation` a user can act on."""

from core.errors import RuleViolation


class NotPermitted(RuleViolation):
    code = "not_permitted"


class OutOfScope(RuleViolation):
    code = "out_of_scope"


class FourEyesViolation(RuleViolation):
    code = "four_eyes"


class InvalidTransition(RuleViolation):
    code = "invalid_transition"


class ReasonRequired(RuleViolation):
    code = "reason_required"


class QuotaExceeded(RuleViolation):
    code = "quota_exceeded"


class CapacityExceeded(RuleViolation):
    code = "capacity_exceeded"


class BudgetExceeded(RuleViolation):
    code = "budget_exceeded"


class NotEligible(RuleViolation):
    code = "not_eligible"


class OverlappingSession(RuleViolation):
    code = "overlapping_session"


class RepeatWithinWindow(RuleViolation):
    code = "repeat_within_window"


class RegistrationClosed(RuleViolation):
    code = "registration_closed"


class InvalidSetup(RuleViolation):
    code = "invalid_setup"
