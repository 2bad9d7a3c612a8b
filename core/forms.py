"""Form conventions shared by every app."""


class LabelsAboveMixin:
    """Labels sit above their inputs (see relief.css), so they carry no trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
