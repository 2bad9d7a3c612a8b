"""Demo data: a letter template for every demo campaign (the payments seeder makes them)."""

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from core.demo import DemoContext, register
from payments.models import Campaign, CampaignKind

from .defaults import DEFAULT_TEMPLATE
from .models import LetterTemplate

# The opening sentence of the letter, by kind of campaign; the rest is the standard wording.
OPENINGS = {
    CampaignKind.WARMTH: (
        "值此新春佳节来临之际，{{发文单位}}谨向您和您的家人致以节日的问候和美好的祝愿！"
    ),
    CampaignKind.FRONTLINE: (
        "在抗击新冠肺炎疫情的斗争中，您坚守一线、逆行出征，"
        "{{发文单位}}谨向您致以崇高的敬意和诚挚的慰问！"
    ),
    CampaignKind.HUBEI_TEAM: (
        "您响应号召、驰援湖北，以实际行动诠释了医者仁心，"
        "{{发文单位}}谨向您和您的家人致以崇高的敬意和诚挚的慰问！"
    ),
    CampaignKind.RECUPERATION: (
        "为关心关爱优秀医务人员，{{发文单位}}特组织{{活动名称}}，谨向您致以诚挚的问候！"
    ),
    CampaignKind.OCCASION: ("值此{{活动名称}}之际，{{发文单位}}谨向您致以节日的问候和美好的祝愿！"),
    CampaignKind.CONDOLENCE: (
        "惊悉您身体欠安（家中遭遇变故），{{发文单位}}谨向您和您的家人致以深切的慰问！"
    ),
}
_STANDARD_OPENING = DEFAULT_TEMPLATE.body.splitlines()[1]


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
        opening = OPENINGS.get(campaign.kind, _STANDARD_OPENING)
        templates.append(
            LetterTemplate(
                campaign=campaign,
                title=DEFAULT_TEMPLATE.title,
                body=DEFAULT_TEMPLATE.body.replace(_STANDARD_OPENING, opening),
                signature=DEFAULT_TEMPLATE.signature,
                updated_by=admin,
                updated_at=now,
            )
        )
    bulk_create_with_history(
        templates, LetterTemplate, default_user=admin, default_change_reason="演示数据"
    )
    ctx.say(f"letters: {len(templates)} letter templates")
