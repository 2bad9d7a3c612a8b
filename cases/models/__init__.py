from .cases import (
    Case,
    CaseCategory,
    CaseStatus,
    ClosingReason,
    FileStage,
    HardshipCause,
    HardshipLevel,
)
from .households import (
    ExpenseKind,
    Health,
    HouseholdMember,
    MedicalInsurance,
    MemberStatus,
    Relation,
    RigidExpense,
)
from .occasions import Audience, Concern, OccasionDate, OccasionDay, PlannedVisit
from .organisations import Organisation, Sector
from .people import EmploymentStatus, Gender, Person
from .povertylines import PovertyLine
from .reviews import CaseReview, ReviewOutcome
from .visits import Attachment, Visit, VisitKind

__all__ = [
    "Attachment",
    "Audience",
    "Concern",
    "OccasionDate",
    "OccasionDay",
    "PlannedVisit",
    "Case",
    "CaseCategory",
    "CaseReview",
    "CaseStatus",
    "ClosingReason",
    "EmploymentStatus",
    "ExpenseKind",
    "FileStage",
    "Gender",
    "HardshipCause",
    "HardshipLevel",
    "Health",
    "HouseholdMember",
    "MedicalInsurance",
    "MemberStatus",
    "Organisation",
    "Person",
    "PovertyLine",
    "Relation",
    "ReviewOutcome",
    "RigidExpense",
    "Sector",
    "Visit",
    "VisitKind",
]
