"""Views of the audits app."""
