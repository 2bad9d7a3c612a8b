import datetime
import random

from core.demo import DemoContext
from letters.demo import seed_letter_templates
from letters.models import LetterTemplate
from letters.placeholders import find_problems

from .factories import CampaignFactory


def context(**data):
    return DemoContext(
        seed=1, people=10, rng=random.Random(1), today=datetime.date(2020, 6, 5), data=data
    )


def test_every_demo_campaign_gets_a_valid_template_once(federation, administrator):
    warmth = CampaignFactory(organisation=federation, kind="warmth")
    hubei = CampaignFactory(organisation=federation, kind="hubei_team")
    condolence = CampaignFactory(organisation=federation, kind="condolence")
    seed_letter_templates(context(users={"admin": administrator}))
    seed_letter_templates(context(users={"admin": administrator}))
    templates = {t.campaign: t for t in LetterTemplate.objects.all()}
    assert set(templates) == {warmth, hubei, condolence}
    assert "万事如意" in templates[warmth].body and "驰援湖北" in templates[hubei].body
    assert "身体欠安" in templates[condolence].body
    assert "万事如意" not in templates[condolence].body
    for template in templates.values():
        assert not find_problems(template.body + template.title + template.signature)
        assert template.history.get().history_user == administrator


def test_without_campaigns_the_seeder_does_nothing(db):
    seed_letter_templates(context())
    assert not LetterTemplate.objects.exists()
