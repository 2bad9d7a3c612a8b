from .allocations import Allocation
from .batches import BatchLine, BatchLineResult, BatchStatus, DisbursementBatch
from .campaigns import Campaign, CampaignKind, CampaignStandard, CampaignStatus, FundingSource
from .items import AssistanceItem, AssistanceStandard, StandardBasis
from .payments import LIVE_STATUSES, Payment, PaymentMethod, PaymentStatus, ReferenceCounter
from .tallies import MoneyTally, PersonTally, from_fen, to_fen

__all__ = [
    "from_fen",
    "to_fen",
    "LIVE_STATUSES",
    "Allocation",
    "AssistanceItem",
    "AssistanceStandard",
    "BatchLine",
    "BatchLineResult",
    "BatchStatus",
    "Campaign",
    "CampaignKind",
    "CampaignStandard",
    "CampaignStatus",
    "DisbursementBatch",
    "FundingSource",
    "MoneyTally",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "PersonTally",
    "ReferenceCounter",
    "StandardBasis",
]
