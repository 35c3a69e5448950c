"""Task books to and from Excel, and the year's results for the annual assessment."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecozone.core.tabular import (
    CellError,
    ImportRejected,
    build_workbook,
    cell_text,
    read_table_file,
)
from ecozone.taskbooks.models import TaskBook
from ecozone.taskbooks.states import Category, Comparison, Method, Metric, Scoring

SHEET = "任务"
HEADERS = {
    "category": "类别",
    "title": "任务",
    "target_text": "目标",
    "points": "分值",
    "deadline": "完成时限",
    "evidence_required": "佐证材料要求",
    "method": "考核方式",
    "metric": "平台计量指标",
    "comparison": "比较",
    "target_value": "目标值",
    "scoring": "计分方式",
}
CHOICES = {
    "category": Category,
    "method": Method,
    "metric": Metric,
    "comparison": Comparison,
    "scoring": Scoring,
}


def _word(field: str, code: str) -> str:
    if field not in CHOICES or not code:
        return code
    return str(CHOICES[field](code).label)


def _cell(value) -> object:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def export_book(book: TaskBook):
    rows = [
        [_cell(_word(f, getattr(t, f)) if f in CHOICES else getattr(t, f)) for f in HEADERS]
        for t in book.tasks.all()
    ]
    return build_workbook([(SHEET, list(HEADERS.values()), rows)])


def read_tasks(upload, book: TaskBook) -> list[dict]:
    """The task rows of a workbook, each checked by the task form; ImportRejected names every
    problem by row and column, and nothing is written by the caller unless all rows are valid."""
    from ecozone.taskbooks.forms import TaskForm

    sheets = read_table_file(upload, columns={SHEET: list(HEADERS.values())})
    errors: list[CellError] = []
    rows = []
    for row in sheets[SHEET].rows:
        data = {}
        for field, header in HEADERS.items():
            text = cell_text(row[header])
            if field in CHOICES:
                words = {str(c.label): c.value for c in CHOICES[field]}
                text = words.get(text, text)
            data[field] = text
        form = TaskForm(data=data, book=book)
        if not form.is_valid():
            for field, messages in form.errors.items():
                column = HEADERS.get(field, "")
                errors += [CellError(SHEET, row.number, column, str(m)) for m in messages]
            continue
        rows.append({f: form.cleaned_data.get(f) for f in HEADERS})
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([CellError(SHEET, None, None, _("The sheet has no data rows."))])
    return rows


RESULT_HEADERS = ["受领单位", "类别", "状态", "任务得分", "扣分", "加分", "总分", "等次", "排名"]
DETAIL_HEADERS = ["受领单位", "任务", "考核方式", "目标", "计量或报告值", "分值", "得分", "理由"]


def export_results(books: list[TaskBook]):
    summary = [
        [
            b.recipient_name,
            b.get_kind_display(),
            b.get_status_display(),
            _cell(b.task_points),
            _cell(b.deductions),
            _cell(b.bonus),
            _cell(b.score),
            b.get_grade_display() if b.grade else "",
            _cell(b.rank),
        ]
        for b in books
    ]
    details = [
        [
            b.recipient_name,
            t.title,
            t.get_method_display(),
            t.target_text,
            _cell(t.measured_value),
            _cell(t.points),
            _cell(t.awarded),
            t.reason,
        ]
        for b in books
        for t in b.tasks.all()
    ]
    return build_workbook(
        [("结果", RESULT_HEADERS, summary), ("任务明细", DETAIL_HEADERS, details)]
    )
