"""Signal receivers, connected in `LettersConfig.ready()`."""

from .services import copy_letter_template


def copy_template_on_campaign_copy(sender, *, source, campaign, by=None, **kwargs) -> None:
    """`payments.signals.campaign_copied`: carry the letter template to the new campaign."""
    copy_letter_template(source=source, campaign=campaign, by=by)
