"""Forms of the cases app, one module per subject."""
