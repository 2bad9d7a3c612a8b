from .batches import BatchLine, BatchLineResult, BatchStatus, DisbursementBatch
from .campaigns import Campaign, CampaignKind, CampaignStandard, CampaignStatus, FundingSource
from .payments import LIVE_STATUSES, Payment, PaymentMethod, PaymentStatus, ReferenceCounter

__all__ = [
    "LIVE_STATUSES",
    "BatchLine",
    "BatchLineResult",
    "BatchStatus",
    "Campaign",
    "CampaignKind",
    "CampaignStandard",
    "CampaignStatus",
    "DisbursementBatch",
    "FundingSource",
    "Payment",
    "PaymentMethod",
    "PaymentStatus",
    "ReferenceCounter",
]
