import pytest
from django.core.exceptions import ValidationError

from attendance_system.errors import DomainError
from behaviour import services
from behaviour.models import BehaviourRecord, Polarity
from behaviour.tests.factories import CategoryFactory

pytestmark = pytest.mark.django_db


class TestRecordsCreate:
    def test_it_refuses_a_course_the_author_does_not_teach(self, cast):
        with pytest.raises(DomainError, match="only in your own courses"):
            services.records_create(
                author=cast.other_teacher,
                course=cast.course,
                students=[cast.student],
                category=CategoryFactory(),
                polarity=Polarity.POSITIVE,
            )

    def test_it_refuses_a_student_who_is_not_enrolled(self, cast):
        before = BehaviourRecord.objects.count()
        with pytest.raises(ValidationError, match="is not enrolled in this course"):
            services.records_create(
                author=cast.teacher,
                course=cast.course,
                students=[cast.student, cast.other_student],
                category=CategoryFactory(),
                polarity=Polarity.POSITIVE,
            )
        assert BehaviourRecord.objects.count() == before


class TestRecordUpdate:
    def test_only_the_author_or_an_administrator_may_change_a_record(self, cast):
        record = cast.behaviour_record
        change = {"category": record.category, "polarity": Polarity.NEGATIVE, "note": "", "date": record.date}
        with pytest.raises(DomainError):
            services.record_update(record=record, by=cast.other_teacher, **change)
        services.record_update(record=record, by=cast.admin, **change)
        assert BehaviourRecord.objects.get(pk=record.pk).polarity == Polarity.NEGATIVE
