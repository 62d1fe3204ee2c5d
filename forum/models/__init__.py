"""All models, imported in one place so Alembic sees the whole schema."""

from forum.models.answer import Acceptance, Answer, AnswerRevision
from forum.models.comment import Comment
from forum.models.practice import (
    Practice,
    PracticeAttachment,
    PracticeCitation,
    PracticeFacet,
    PracticeLink,
    PracticeReplication,
    PracticeRevision,
)
from forum.models.question import Question, QuestionRevision, Tag, question_tags
from forum.models.search import SearchOutbox
from forum.models.theme import Theme
from forum.models.user import ROLES, User
from forum.models.vote import Vote

__all__ = [
    "ROLES",
    "Acceptance",
    "Answer",
    "AnswerRevision",
    "Comment",
    "Practice",
    "PracticeAttachment",
    "PracticeCitation",
    "PracticeFacet",
    "PracticeLink",
    "PracticeReplication",
    "PracticeRevision",
    "Question",
    "QuestionRevision",
    "SearchOutbox",
    "Tag",
    "Theme",
    "User",
    "Vote",
    "question_tags",
]
