"""The standard wording of a 慰问信, one per kind of letter, used when a campaign has no template.

The kind is chosen from what the letter is about (`default_kind`): a letter to the family of a
deceased employee is a letter of condolence whatever the campaign, an illness or bereavement
campaign never gets festive words, and the others follow the campaign (送温暖, 抗疫一线, 援鄂,
节日).

The letter's words stay Chinese whatever the interface language: it is printed and handed to a
Chinese recipient, so these strings are deliberately not marked for translation.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateText:
    title: str
    body: str
    signature: str


HARDSHIP = "hardship"
ILLNESS = "illness"
BEREAVEMENT = "bereavement"
FRONTLINE = "frontline"
HUBEI_TEAM = "hubei_team"
OCCASION = "occasion"

SIGNATURE = "{{发文单位}}\n{{日期}}"
MONEY = "特送上慰问金{{金额}}元（{{金额大写}}），聊表心意。"


@dataclass(frozen=True)
class _Wording:
    title: str
    salutation: str
    opening: str
    middle: str
    closing: str

    def text(self, *, with_money: bool) -> TemplateText:
        middle = f"{self.middle}{MONEY}" if with_money else self.middle
        lines = [self.salutation, self.opening, middle, self.closing]
        return TemplateText(self.title, "\n".join(line for line in lines if line), SIGNATURE)


_SERVICE = "长期以来，您在{{单位}}爱岗敬业、默默奉献，为教科文卫体事业的发展付出了辛勤劳动。"

WORDINGS: dict[str, _Wording] = {
    HARDSHIP: _Wording(
        "慰问信",
        "尊敬的{{收信人}}：",
        "值此{{活动名称}}之际，{{发文单位}}谨向您致以诚挚的问候和美好的祝愿！",
        _SERVICE + "得知您和家人当前遇到了困难，工会组织始终牵挂在心。",
        "希望您保重身体，坚定信心，积极乐观地面对生活。工会是职工之家，"
        "如有困难，请随时与我们联系。\n祝您身体健康，阖家幸福，万事如意！",
    ),
    ILLNESS: _Wording(
        "慰问信",
        "尊敬的{{收信人}}：",
        "惊悉您身体欠安，{{发文单位}}十分牵挂，谨向您和您的家人致以亲切的慰问！",
        _SERVICE,
        "望您安心治疗，保重身体，早日康复。工会是职工之家，治疗和生活中如有困难，"
        "请随时与我们联系。",
    ),
    BEREAVEMENT: _Wording(
        "慰问信",
        "{{姓名}}同志的家属：",
        "惊悉{{姓名}}同志不幸逝世，{{发文单位}}深表哀悼，谨向您和家人致以深切的慰问！",
        "{{姓名}}同志生前在{{单位}}工作，爱岗敬业、勤勉尽责，为教科文卫体事业的发展付出了"
        "辛勤劳动，我们将永远怀念。",
        "望您和家人节哀，保重身体。今后生活中如有困难，请随时与工会联系。",
    ),
    FRONTLINE: _Wording(
        "慰问信",
        "尊敬的{{收信人}}：",
        "在疫情防控的关键时刻，您坚守医疗卫生一线，不畏艰险、无私奉献，"
        "{{发文单位}}谨向您致以崇高的敬意和诚挚的慰问！",
        "您的付出守护了人民群众的生命健康，我们为您骄傲。",
        "希望您在做好工作的同时注意休息、保重身体。工会是职工之家，"
        "如有困难，请随时与我们联系。\n祝您身体健康，工作顺利！",
    ),
    HUBEI_TEAM: _Wording(
        "慰问信",
        "尊敬的{{收信人}}：",
        "您响应号召、驰援湖北，以实际行动诠释了医者仁心和使命担当，"
        "{{发文单位}}谨向您和您的家人致以崇高的敬意和诚挚的慰问！",
        "您在抗疫最前线的付出，我们铭记在心。",
        "希望您保重身体，劳逸结合。工会是职工之家，您和家人如有困难，"
        "请随时与我们联系。\n祝您身体健康，阖家安康！",
    ),
    OCCASION: _Wording(
        "慰问信",
        "尊敬的{{收信人}}：",
        "值此{{活动名称}}之际，{{发文单位}}谨向您致以节日的问候和美好的祝愿！",
        _SERVICE,
        "工会是职工之家，如有困难，请随时与我们联系。\n祝您节日快乐，身体健康，阖家幸福！",
    ),
}

# Words that must never reach a family in mourning or a sick employee (checked when an
# administrator saves an illness/bereavement campaign's template, and in the tests).
FESTIVE_WORDS = (
    "节日",
    "佳节",
    "新春",
    "快乐",
    "万事如意",
    "阖家幸福",
    "美好的祝愿",
    "祝福",
)

# campaign kind → letter kind (values of payments.CampaignKind and cases.CaseCategory).
_BY_CAMPAIGN = {
    "warmth": HARDSHIP,
    "frontline": FRONTLINE,
    "hubei_team": HUBEI_TEAM,
    "recuperation": FRONTLINE,
    "occasion": OCCASION,
    "condolence": ILLNESS,
}
_BY_CATEGORY = {
    "hardship": HARDSHIP,
    "frontline": FRONTLINE,
    "hubei_team": HUBEI_TEAM,
    "recuperation": FRONTLINE,
    "occasion": OCCASION,
    "condolence": ILLNESS,
}


def default_kind(
    *, campaign_kind: str | None, case_category: str | None, deceased: bool = False
) -> str:
    """Which standard wording a letter gets (see the module docstring for the order)."""
    if deceased:
        return BEREAVEMENT
    if "condolence" in (campaign_kind, case_category):
        return ILLNESS
    if campaign_kind in _BY_CAMPAIGN:
        return _BY_CAMPAIGN[campaign_kind]
    return _BY_CATEGORY.get(case_category or "", HARDSHIP)


def default_text(kind: str, *, with_money: bool = True) -> TemplateText:
    return WORDINGS[kind].text(with_money=with_money)


# The wording of a campaign with nothing more specific to go on (送温暖 to a hardship case).
DEFAULT_TEMPLATE = default_text(HARDSHIP)
# A letter for a case with no approved payment: the same words without the money.
DEFAULT_CASE_TEMPLATE = default_text(HARDSHIP, with_money=False)
