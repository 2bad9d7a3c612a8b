"""The one exception type that business rules raise.

Services raise a subclass (for example `payments.exceptions.BudgetExceeded`) whose message a user
can act on; views catch `RuleViolation` and show the message, imports report it per row.
"""


class RuleViolation(Exception):
    """A business rule refused the step; nothing was changed."""

    code = "rule_violation"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code

    def __str__(self) -> str:
        return self.message
