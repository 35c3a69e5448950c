"""Task books on the to-do list: a recipient's book to acknowledge; the province's books to
score and publish."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ecozone.accounts.todo import TodoItem
from ecozone.taskbooks import permissions, queries
from ecozone.taskbooks.models import TaskBook
from ecozone.taskbooks.states import BookStatus


def taskbooks_todo(user) -> list[TodoItem]:
    if not permissions.can_list(user):
        return []
    if permissions.can_manage(user):
        waiting = TaskBook.objects.filter(status=BookStatus.ACKNOWLEDGED).order_by("year")
        years = sorted({b.year for b in waiting})
        return [
            TodoItem(
                _("Assess the %(year)d task books") % {"year": year},
                reverse("taskbooks:list") + f"?year={year}",
                count=sum(b.year == year for b in waiting),
            )
            for year in years
        ]
    return [
        TodoItem(
            _("Acknowledge the %(year)d work task book") % {"year": book.year},
            reverse("taskbooks:book", args=[book.pk]),
        )
        for book in queries.books_for(user).filter(status=BookStatus.ISSUED)
    ]
