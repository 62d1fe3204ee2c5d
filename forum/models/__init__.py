"""All models, imported in one place so Alembic sees the whole schema."""

from forum.models.answer import Acceptance, Answer
from forum.models.comment import Comment
from forum.models.conversation import (
    MAX_PARTICIPANTS,
    Block,
    Conversation,
    ConversationMember,
    Message,
    MessageReport,
    ReportStatus,
)
from forum.models.follow import LEVEL_RANK, Follow, FollowTarget, Level
from forum.models.job import Job, JobStatus
from forum.models.moderation import (
    FLAG_REASONS,
    POST_TYPES,
    AuditEntry,
    EditSuggestion,
    Flag,
    FlagReason,
    FlagStatus,
    Organisation,
    PostType,
    SiteSetting,
    SuggestionStatus,
)
from forum.models.notification import (
    DEFAULT_DELIVERY,
    DIGEST_PERIODS,
    Delivery,
    DigestSent,
    MailCategory,
    MailPreference,
    Notification,
)
from forum.models.practice import (
    PRACTICE_WORKFLOW,
    Practice,
    PracticeAttachment,
    PracticeCitation,
    PracticeFacet,
    PracticeLink,
    PracticeReplication,
    PracticeStatus,
)
from forum.models.profile import (
    DEFAULT_VISIBILITY,
    MAX_EXPERTISE,
    NEVER_PUBLIC,
    Avatar,
    Expertise,
    ProfileField,
    Visibility,
)
from forum.models.question import Question, Tag, question_tags
from forum.models.revision import Revision, RevisionKind
from forum.models.routing import RoutingOffer
from forum.models.search import SearchOutbox
from forum.models.theme import Theme
from forum.models.user import ROLES, STATUSES, AccountStatus, Role, User
from forum.models.vote import Vote

__all__ = [
    "MAX_PARTICIPANTS",
    "Block",
    "Conversation",
    "ConversationMember",
    "Message",
    "MessageReport",
    "ReportStatus",
    "DEFAULT_VISIBILITY",
    "MAX_EXPERTISE",
    "NEVER_PUBLIC",
    "Avatar",
    "Expertise",
    "ProfileField",
    "Visibility",
    "RoutingOffer",
    "FLAG_REASONS",
    "POST_TYPES",
    "ROLES",
    "STATUSES",
    "AccountStatus",
    "Acceptance",
    "FlagReason",
    "FlagStatus",
    "PostType",
    "Role",
    "SuggestionStatus",
    "Answer",
    "AuditEntry",
    "Comment",
    "EditSuggestion",
    "Flag",
    "Follow",
    "FollowTarget",
    "LEVEL_RANK",
    "Level",
    "Job",
    "JobStatus",
    "Notification",
    "DEFAULT_DELIVERY",
    "DIGEST_PERIODS",
    "Delivery",
    "DigestSent",
    "MailCategory",
    "MailPreference",
    "Organisation",
    "PRACTICE_WORKFLOW",
    "Practice",
    "PracticeAttachment",
    "PracticeCitation",
    "PracticeFacet",
    "PracticeLink",
    "PracticeReplication",
    "PracticeStatus",
    "Question",
    "Revision",
    "RevisionKind",
    "SearchOutbox",
    "SiteSetting",
    "Tag",
    "Theme",
    "User",
    "Vote",
    "question_tags",
]
