"""Who may do what with campaigns, payments and batches: one place for the questions asked."""

from accounts.roles import Role, has_role


def _writer(user) -> bool:
    """Auditors read everything in scope and never write, whatever else they hold."""
    return getattr(user, "is_authenticated", False) and not has_role(user, Role.AUDITOR)


def can_draft_payments(user) -> bool:
    return _writer(user) and user.has_perm("payments.add_payment")


def can_approve_payments(user) -> bool:
    return _writer(user) and user.has_perm("payments.approve_payment")


def can_second_approve_payments(user) -> bool:
    return _writer(user) and user.has_perm("payments.second_approve_payment")


def can_manage_batches(user) -> bool:
    return _writer(user) and user.has_perm("payments.manage_batch")


def can_mark_results(user) -> bool:
    return _writer(user) and user.has_perm("payments.mark_payment_result")


def can_reverse_payments(user) -> bool:
    return _writer(user) and user.has_perm("payments.reverse_payment")


def can_export_bank_file(user) -> bool:
    """Bank files carry full account numbers: finance only."""
    return _writer(user) and user.has_perm("payments.export_bank_file")


def can_manage_campaigns(user) -> bool:
    return _writer(user) and user.has_perm("payments.add_campaign")


def can_view_payments(user) -> bool:
    return user.has_perm("payments.view_payment")


def can_view_batches(user) -> bool:
    return user.has_perm("payments.view_disbursementbatch")
