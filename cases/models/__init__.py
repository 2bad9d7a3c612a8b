from .cases import (
    Case,
    CaseCategory,
    CaseStatus,
    ClosingReason,
    ExitReason,
    FileStage,
    HardshipCause,
    HardshipLevel,
)
from .exits import ExitFollowUp
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
from .povertylines import HardshipPolicy, PovertyLine
from .reviews import CaseReview, ReviewOutcome
from .spells import FileSpell
from .tallies import FileTally
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
    "ExitFollowUp",
    "ExitReason",
    "EmploymentStatus",
    "ExpenseKind",
    "FileSpell",
    "FileStage",
    "FileTally",
    "Gender",
    "HardshipCause",
    "HardshipPolicy",
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
