"""SQLAlchemy models, one module per concern; imported here so metadata knows every table."""

from survey_app.models.accounts import User
from survey_app.models.audit import AuditEntry
from survey_app.models.council import CouncilMember, SetupCode
from survey_app.models.criteria import CriterionEntry, CriterionValue, LockedScore, RoundWorkflow
from survey_app.models.jobs import PosterJob
from survey_app.models.limits import BrowserMark, LoginThrottle, RateBucket
from survey_app.models.plans import (
    Evidence,
    EvidenceFile,
    Plan,
    PlanActivity,
    PlanActivityUnit,
    PlanCriterionOwner,
    PlanSection,
)
from survey_app.models.posting import PostingFeedback
from survey_app.models.responses import Answer, AnswerCount, Response
from survey_app.models.rules import RuleReview, RuleReviewRow, RuleVersion
from survey_app.models.wards import AssessmentRound, PosterToken, ResidentialGroup, Ward

__all__ = [
    "Answer",
    "AnswerCount",
    "AssessmentRound",
    "AuditEntry",
    "BrowserMark",
    "CouncilMember",
    "CriterionEntry",
    "CriterionValue",
    "Evidence",
    "EvidenceFile",
    "LockedScore",
    "LoginThrottle",
    "Plan",
    "PlanActivity",
    "PlanActivityUnit",
    "PlanCriterionOwner",
    "PlanSection",
    "PosterJob",
    "PosterToken",
    "PostingFeedback",
    "RateBucket",
    "ResidentialGroup",
    "Response",
    "RoundWorkflow",
    "RuleReview",
    "RuleReviewRow",
    "RuleVersion",
    "SetupCode",
    "User",
    "Ward",
]
