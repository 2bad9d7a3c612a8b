"""Background work: a whole campaign's letters, with progress the user watches."""

from django.utils.translation import gettext as _

from core.errors import RuleViolation
from jobs.registry import JobResult, job_handler

from . import selectors
from .models import PrintChannel
from .services import print_campaign_letters


@job_handler("letters.campaign_pdf")
def render_campaign_pdf(job, progress) -> JobResult:
    """Scope is the job owner's, re-applied here: the campaign may have changed since."""
    user = job.owner
    campaign = selectors.campaigns_visible_to(user).filter(pk=job.params["campaign_id"]).first()
    if campaign is None:
        raise RuleViolation(_("慰问活动不存在或不在您的管辖范围内。"))
    payments = selectors.printable_payments_of_campaign(user, campaign)
    out = print_campaign_letters(
        campaign=campaign, payments=payments, by=user, channel=PrintChannel.JOB, progress=progress
    )
    return JobResult(
        filename=out.filename,
        content=out.content,
        message=_("共 %(count)s 封慰问信，%(pages)s 页。")
        % {"count": out.record.payment_count, "pages": out.pages},
    )
