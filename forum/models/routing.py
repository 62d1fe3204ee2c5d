"""Routing of unanswered questions to members who can answer them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import Model
from forum.models.base import utcnow


class RoutingOffer(Model):
    """A question offered to one expert, once; `declined_at` is "Non è il mio campo"."""

    __tablename__ = "routing_offers"

    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"),
                                             primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    declined_at: Mapped[datetime | None] = mapped_column(default=None)
