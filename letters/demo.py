"""Demo data: a letter template for every demo campaign (the payments seeder makes them), in the
standard wording for the campaign's kind, so a condolence campaign prints no festive words."""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.demo import DemoContext, register
from payments.models import Campaign

from .defaults import default_kind, default_text
from .models import LetterTemplate


@register(order=40)
def seed_letter_templates(ctx: DemoContext) -> None:
    """Safe to run twice: campaigns that already have a template are left alone."""
    campaigns = list(
        Campaign.objects.filter(letter_template__isnull=True).order_by("pk").only("pk", "kind")
    )
    if not campaigns:
        return
    admin = ctx.data.get("users", {}).get("admin")
    now = timezone.now()
    templates = []
    for campaign in campaigns:
        text = default_text(default_kind(campaign_kind=campaign.kind, case_category=None))
        templates.append(
            LetterTemplate(
                campaign=campaign,
                title=text.title,
                body=text.body,
                signature=text.signature,
                updated_by=admin,
                updated_at=now,
            )
        )
    bulk_create_with_history(
        templates, LetterTemplate, default_user=admin, default_change_reason="演示数据"
    )
    ctx.say(f"letters: {len(templates)} letter templates")
