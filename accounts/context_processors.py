from .roles import Role, roles_of


def roles(request) -> dict:
    """Expose the signed-in user's roles to templates, e.g. `{% if roles.finance %}`."""
    held = roles_of(request.user)
    return {"roles": {role.value: role.value in held for role in Role}}
