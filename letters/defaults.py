"""The standard wording of a 慰问信, used by every campaign that has no template of its own.

The letter's words stay Chinese whatever the interface language: it is printed and handed to a
Chinese recipient, so these strings are deliberately not marked for translation.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplateText:
    title: str
    body: str
    signature: str


DEFAULT_TEMPLATE = TemplateText(
    title="慰问信",
    body=(
        "尊敬的{{收信人}}：\n"
        "值此{{活动名称}}之际，{{发文单位}}谨向您致以诚挚的问候和美好的祝愿！\n"
        "长期以来，您在{{单位}}爱岗敬业、默默奉献，为教科文卫体事业的发展付出了辛勤劳动。"
        "得知您和家人当前遇到了困难，工会组织始终牵挂在心。"
        "特送上慰问金{{金额}}元（{{金额大写}}），聊表心意。\n"
        "希望您保重身体，坚定信心，积极乐观地面对生活。工会是职工之家，"
        "如有困难，请随时与我们联系。\n"
        "祝您身体健康，阖家幸福，万事如意！"
    ),
    signature="{{发文单位}}\n{{日期}}",
)

# A letter for a case with no approved payment: the same words without the money.
DEFAULT_CASE_TEMPLATE = TemplateText(
    title="慰问信",
    body=(
        "尊敬的{{收信人}}：\n"
        "值此{{活动名称}}之际，{{发文单位}}谨向您致以诚挚的问候和美好的祝愿！\n"
        "长期以来，您在{{单位}}爱岗敬业、默默奉献，为教科文卫体事业的发展付出了辛勤劳动。"
        "得知您和家人当前遇到了困难，工会组织始终牵挂在心。\n"
        "希望您保重身体，坚定信心，积极乐观地面对生活。工会是职工之家，"
        "如有困难，请随时与我们联系。\n"
        "祝您身体健康，阖家幸福，万事如意！"
    ),
    signature="{{发文单位}}\n{{日期}}",
)
