"""The document model: typed, immutable, and ignorant of Word, PDF and files."""

from sqdocs.model.annexes import (
    Annex1,
    Annex2,
    CheckDimension,
    CheckItem,
    CheckPoint,
    Dimension,
    Item,
    Member,
    OverallPoint,
    Point,
    Roster,
    checklist_caption,
    dimension_caption,
)
from sqdocs.model.common import CONTINUOUS, Deadline, RocDate, Text, deadline_text
from sqdocs.model.plan import Basis, Clause, Objectives, Period, Plan, PlanBody, PointRef
from sqdocs.model.results import (
    ChartDef,
    ChecklistPath,
    Evidence,
    Indicator,
    IndicatorSet,
    Measure,
    PointResult,
    ResultSet,
    Submission,
)
from sqdocs.model.subplan import PointKey, Subplan, SubplanPoint, SubUnitGroup
from sqdocs.model.units import Unit, UnitGroup, UnitRegistry

__all__ = [
    "Annex1", "Annex2", "Basis", "CONTINUOUS", "ChartDef", "CheckDimension", "CheckItem", "CheckPoint",
    "ChecklistPath", "Evidence", "Indicator", "IndicatorSet", "Measure", "PointResult", "ResultSet", "Submission",
    "Clause", "Deadline", "Dimension", "Item", "Member", "Objectives", "OverallPoint", "Period",
    "Plan", "PlanBody", "Point", "PointKey", "PointRef", "RocDate", "Roster", "SubUnitGroup",
    "Subplan", "SubplanPoint", "Text", "Unit", "UnitGroup", "UnitRegistry", "checklist_caption", "deadline_text",
    "dimension_caption",
]
