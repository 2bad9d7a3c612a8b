"""Who may use the auditor's workspace (auditors never write: `accounts.middleware`)."""

VIEW_AUDIT = "audits.view_audit"
EXPORT_AUDIT = "audits.export_audit"


def can_view_audit(user) -> bool:
    return user.is_authenticated and user.has_perm(VIEW_AUDIT)


def can_export_audit(user) -> bool:
    return user.is_authenticated and user.has_perm(EXPORT_AUDIT)
