"""ORM tables. Importing this package registers every table on `Base.metadata`."""

from storage.models.api import ApiIdempotencyRow, ApiTokenRow
from storage.models.approvals import ApprovalRow
from storage.models.base import Base
from storage.models.billing import ContractRow, InvoiceRow, PaymentMilestoneRow, PaymentRow
from storage.models.delivery import (
    ChangeRequestRow,
    MilestoneRow,
    ProjectEventRow,
    ProjectFileRow,
    ProjectRow,
    RatingRow,
    TaskRow,
)
from storage.models.esign import ContractSignatureRow
from storage.models.mail import MailThreadRow
from storage.models.people import IdentityRow, RepRow, TeamRow
from storage.models.pool import PoolEventRow
from storage.models.proactive import DailyReportRow, RiskAlertRow, TargetRow, WinScoreRow
from storage.models.sales import (
    CloseDateMoveRow,
    ContactRow,
    CustomerNameRow,
    CustomerRow,
    DealTotalRow,
    FollowUpRow,
    LeadRow,
    OpportunityRow,
    OpportunityShareRow,
    QuoteRow,
    ReminderRow,
    StageChangeRow,
)
from storage.models.sms import SmsOptOutRow, SmsSendRow, SmsSubscriptionRow
from storage.models.system import AuditRow, InboxRow, OutboxRow, SettingRow
from storage.models.usage import FeedbackRow, UsageEventRow
from storage.models.visits import VisitRow
from storage.models.webhooks import WebhookRow

__all__ = [
    "ApiIdempotencyRow", "ApiTokenRow", "ApprovalRow", "AuditRow", "Base", "ChangeRequestRow", "CloseDateMoveRow",
    "ContactRow", "ContractRow", "ContractSignatureRow", "CustomerNameRow", "CustomerRow", "DailyReportRow",
    "DealTotalRow", "FeedbackRow", "FollowUpRow", "IdentityRow", "InboxRow", "InvoiceRow", "LeadRow", "MailThreadRow",
    "MilestoneRow", "OpportunityRow", "OpportunityShareRow", "OutboxRow", "PaymentMilestoneRow", "PaymentRow",
    "PoolEventRow", "ProjectEventRow", "ProjectFileRow", "ProjectRow", "QuoteRow", "RatingRow", "ReminderRow",
    "RepRow", "RiskAlertRow", "SettingRow", "SmsOptOutRow", "SmsSendRow", "SmsSubscriptionRow", "StageChangeRow",
    "TargetRow", "TaskRow", "TeamRow", "UsageEventRow", "VisitRow", "WebhookRow", "WinScoreRow",
]
