"""Every change to behaviour records: one function per action, each checking who may do it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attendance_system.errors import DomainError
from behaviour import selectors
from behaviour.models import BehaviourRecord
from courses.selectors import courses_managed_by, students_of


@transaction.atomic
def records_create(*, author, course, students, category, polarity, note="", date=None):
    """The same record for each of `students` of `course`, written by `author`, one of its teachers."""
    if not courses_managed_by(author).filter(pk=course.pk).exists():
        raise DomainError(_("You can record behaviour only in your own courses."))
    students = list(students)
    if not students:
        raise ValidationError({"students": _("Choose at least one student.")})
    enrolled = set(students_of(course).filter(pk__in=[s.pk for s in students]).values_list("pk", flat=True))
    outside = [str(student) for student in students if student.pk not in enrolled]
    if outside:
        message = ngettext(
            "%(names)s is not enrolled in this course.", "%(names)s are not enrolled in this course.", len(outside)
        )
        raise ValidationError({"students": message % {"names": ", ".join(outside)}})
    fields = {
        "course": course,
        "category": category,
        "polarity": polarity,
        "note": note,
        "date": date or timezone.localdate(),
        "author": author,
    }
    # The fields are the same for every student: checking one record checks them all.
    BehaviourRecord(student=students[0], **fields).full_clean()
    return BehaviourRecord.objects.bulk_create(BehaviourRecord(student=student, **fields) for student in students)


def _check_editable(record, by):
    if not selectors.records_editable_by(by).filter(pk=record.pk).exists():
        raise DomainError(_("Only the teacher who wrote a record, or an administrator, may change it."))


@transaction.atomic
def record_update(*, record, by, category, polarity, note, date):
    _check_editable(record, by)
    record.category, record.polarity, record.note, record.date = category, polarity, note, date
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def record_delete(*, record, by):
    _check_editable(record, by)
    record.delete()
