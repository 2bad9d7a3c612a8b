"""The API's resources, one module per subject."""
