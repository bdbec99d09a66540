"""The annex tables as rows of plain cells (writers/annex_tables.py), which the Word and ODF
writers both lay out: one place decides the merges, alignments and rows kept together."""

from __future__ import annotations

from sqdocs.model import Plan
from sqdocs.report import CompiledReport
from sqdocs.writers import annex_tables as A
from sqdocs.writers import layout
from sqdocs.writers.layout import MERGED


def test_annex1_merges_each_item_over_its_points_and_numbers_the_practices(plan: Plan) -> None:
    tables = A.annex1(plan.annex1)
    assert [t.caption for t in tables] == [
        f"{label}、{dim.caption}" for label, dim in zip("一二三四五", plan.annex1.dimensions, strict=True)
    ]
    first = plan.annex1.dimensions[0]
    rows = tables[0].rows
    assert len(rows) == sum(len(item.points) for item in first.items)
    at = 0
    for item in first.items:
        for n, point in enumerate(item.points):
            item_cell, name, practices, deadline, units = rows[at].cells
            assert item_cell == (A.Text((item.name,)) if n == 0 else MERGED)
            assert name == A.Text((point.name,))
            assert practices == A.Entries(tuple((f"{k}.", p) for k, p in enumerate(point.practices, 1)))
            assert isinstance(deadline, A.Centred) and units == A.Centred(tuple(point.units))
            at += 1
    # a dated 完成期限 goes one part per line, so Word and LibreOffice cannot break 「3／月」
    dated = A._practice_cells(first.items[0].points[0].model_copy(update={"deadline": plan.body.period.end}))[2]
    assert isinstance(dated, A.Centred) and len(dated.texts) == 3 and dated.texts[0].endswith("年")


def test_the_overall_dimension_has_its_two_columns(plan: Plan) -> None:
    overall = A.annex1(plan.annex1)[-1]
    assert overall.columns == layout.ANNEX1_OVERALL_COLUMNS
    assert all(len(row.cells) == 2 and isinstance(row.cells[1], A.Entries) for row in overall.rows)


def test_checklist_rows_stay_on_one_page_and_carry_their_marks(plan: Plan, report: CompiledReport) -> None:
    annex2 = A.annex2(plan.annex2)
    assert all(row.keep_together for table in annex2 for row in table.rows)
    boxes = {mark for table in annex2 for row in table.rows for mark, _ in row.cells[-1].entries}  # type: ignore[union-attr]
    assert boxes == {layout.CHECKBOX}
    # the report's 附件 2: each entry with the mark its evidence gives, in the report's order
    marked = A.checklist(report.checklist, lambda point: [(e.mark, e.text) for e in point.entries])
    shown = [entry for table in marked for row in table.rows for entry in row.cells[-1].entries]  # type: ignore[union-attr]
    points = [p for dim in report.checklist for p in (*(p for i in dim.items for p in i.points), *dim.points)]
    assert shown == [(e.mark, e.text) for p in points for e in p.entries]


def test_roster_centres_short_fields_and_leaves_duty_flush_left(plan: Plan) -> None:
    roster = A.roster(plan.roster)
    assert roster.middle and roster.caption is None and len(roster.rows) == len(plan.roster.members)
    role, position, name, duty, note = roster.rows[0].cells
    member = plan.roster.members[0]
    assert (role, position, name) == (A.Centred((member.role,)), A.Centred((member.position,)), A.Centred((member.name,)))
    assert duty == A.Text((member.duty,)) and note == A.Text(())


def test_merged_rows_merge_a_repeated_cell_with_every_cell_to_its_left() -> None:
    rows = A.merged_rows([("甲", "一", "x"), ("甲", "一", "y"), ("甲", "二", "y"), ("乙", "二", "y")], merged_columns=2)
    assert [row.cells for row in rows] == [
        (A.Text(("甲",)), A.Text(("一",)), A.Text(("x",))),
        (MERGED, MERGED, A.Text(("y",))),
        (MERGED, A.Text(("二",)), A.Text(("y",))),
        (A.Text(("乙",)), A.Text(("二",)), A.Text(("y",))),  # 二 again, but under another 乙
    ]
