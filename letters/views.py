"""Views of the letters app."""
