"""Self-assessment (autovalutazione): a guideline's checklist and organisations' answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import Model
from forum.models.base import utcnow
from forum.models.user import User


class Criterion(Model):
    """One criterion of a guideline's checklist, in an area, scored from 0 to `scale_max`."""

    __tablename__ = "assessment_criteria"
    __table_args__ = (
        CheckConstraint("scale_max BETWEEN 1 AND 10", name="criterion_scale_valid"),
        Index("ix_assessment_criteria_guideline", "guideline_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    area: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    explanation: Mapped[str] = mapped_column(Text, default="")
    scale_max: Mapped[int] = mapped_column(default=4)
    position: Mapped[int] = mapped_column(default=0)
    # Themes whose practices and solved threads address a weak score (comma-separated slugs;
    # empty: the guideline's own themes).
    theme_slugs: Mapped[str] = mapped_column(String(400), default="")


class Assessment(Model):
    """One organisation's assessment against one published version of a guideline.

    The organisation is the members' own `organisation` (compared case-insensitively by
    `organisation_key`); its type and region are kept for the board's aggregates.
    """

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("guideline_id", "guideline_version", "organisation_key",
                         name="uq_assessments_organisation"),
        Index("ix_assessments_org", "organisation_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guideline_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    guideline_version: Mapped[int]
    organisation_key: Mapped[str] = mapped_column(String(200))
    organisation_name: Mapped[str] = mapped_column(String(200))
    organisation_type: Mapped[str] = mapped_column(String(40))
    region_code: Mapped[str] = mapped_column(String(2))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=None)
    # Set when every criterion has a score; only completed assessments enter the aggregates.
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    created_by: Mapped[User | None] = relationship(lazy="raise_on_sql")


class AssessmentAnswer(Model):
    """The score an organisation gave itself on one criterion, with an optional note."""

    __tablename__ = "assessment_answers"
    __table_args__ = (
        UniqueConstraint("assessment_id", "criterion_id", name="uq_assessment_answers_pair"),
        CheckConstraint("score >= 0", name="assessment_score_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_criteria.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
