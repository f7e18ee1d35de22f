import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Role, User
from accounts.tests.factories import StudentFactory, TeacherFactory


@pytest.mark.django_db
class TestUser:
    def test_emails_are_stored_in_lower_case(self):
        user = User.objects.create_user("Mixed.Case@Example.ORG", "pw-long-enough-1")
        assert user.email == "mixed.case@example.org"

    def test_a_superuser_is_an_administrator(self):
        user = User.objects.create_superuser("root@example.org", "pw-long-enough-1")
        assert user.role == Role.ADMIN
        assert user.is_admin and user.is_staff

    def test_student_numbers_are_unique(self):
        StudentFactory(student_number="S1")
        with pytest.raises(IntegrityError):
            StudentFactory(student_number="S1")

    def test_only_students_have_a_student_number(self):
        with pytest.raises(IntegrityError):
            TeacherFactory(student_number="S2")

    def test_validation_says_only_students_have_a_student_number(self):
        teacher = TeacherFactory.build(student_number="S2")
        with pytest.raises(ValidationError) as refused:
            teacher.full_clean()
        assert refused.value.message_dict["student_number"] == ["Only students have a student number."]

    def test_an_empty_student_number_is_none_whatever_the_role(self):
        teacher = TeacherFactory.build(student_number="")
        teacher.full_clean()
        assert teacher.student_number is None

    def test_it_reads_as_the_full_name(self):
        assert str(StudentFactory(first_name="Ada", last_name="Lovelace")) == "Ada Lovelace"
