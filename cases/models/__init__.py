from .cases import (
    Case,
    CaseCategory,
    CaseStatus,
    ClosingReason,
    FileStage,
    HardshipCause,
    HardshipLevel,
)
from .organisations import Organisation, Sector
from .people import EmploymentStatus, Gender, Person
from .povertylines import PovertyLine
from .visits import Attachment, Visit, VisitKind

__all__ = [
    "Attachment",
    "Case",
    "CaseCategory",
    "CaseStatus",
    "ClosingReason",
    "EmploymentStatus",
    "FileStage",
    "Gender",
    "HardshipCause",
    "HardshipLevel",
    "Organisation",
    "Person",
    "PovertyLine",
    "Sector",
    "Visit",
    "VisitKind",
]
