"""The REST API (/api/v1/): the pages' selectors and services behind tokens and JSON."""
