import pytest

from accounts.models import ParentLink, User
from accounts.services import login_begin, login_failed, parent_link_add, users_import_csv
from accounts.tests.factories import ParentFactory, StudentFactory, TeacherFactory, first_institution
from attendance_system.csvimport import ImportRejected
from attendance_system.errors import DomainError

pytestmark = pytest.mark.django_db

HEADER = "email,first_name,last_name,role,student_number\n"


class TestParentLinkAdd:
    def test_it_links_a_parent_to_a_child(self):
        parent, child = ParentFactory(), StudentFactory()
        parent_link_add(parent=parent, child=child)
        assert list(parent.children.all()) == [child]

    def test_a_child_may_have_two_parents_but_not_three(self):
        child = StudentFactory()
        parent_link_add(parent=ParentFactory(), child=child)
        parent_link_add(parent=ParentFactory(), child=child)
        with pytest.raises(DomainError, match="already has two parents"):
            parent_link_add(parent=ParentFactory(), child=child)
        assert ParentLink.objects.filter(child=child).count() == 2

    def test_a_parent_may_have_several_children(self):
        parent = ParentFactory()
        for child in StudentFactory.create_batch(3):
            parent_link_add(parent=parent, child=child)
        assert parent.children.count() == 3

    def test_it_refuses_a_child_who_is_not_a_student(self):
        with pytest.raises(DomainError, match="is not a student"):
            parent_link_add(parent=ParentFactory(), child=TeacherFactory())


class TestUsersImportCsv:
    def test_it_creates_every_user_of_a_good_file(self):
        users = users_import_csv(
            institution=first_institution(),
            text=HEADER + "Ann@School.org,Ann,Lee,student,S100\nbob@school.org,Bob,Ray,teacher,\n",
        )
        assert [u.email for u in users] == ["ann@school.org", "bob@school.org"]
        ann = User.objects.get(email="ann@school.org")
        assert ann.student_number == "S100"
        assert not ann.has_usable_password()

    def test_it_reports_each_bad_line_with_its_number_and_imports_nothing(self):
        StudentFactory(email="taken@school.org")
        text = (
            HEADER
            + "ok@school.org,Ok,Fine,student,S1\n"
            + "taken@school.org,Tak,En,student,S2\n"
            + "not-an-email,No,Mail,student,S3\n"
            + "x@school.org,X,Y,wizard,\n"
            + "y@school.org,Y,Z,student,\n"
            + "z@school.org,Z,Z,teacher,S9\n"
            + "ok2@school.org,Ok,Two,student,S1\n"
        )
        with pytest.raises(ImportRejected) as rejected:
            users_import_csv(institution=first_institution(), text=text)
        lines = {e.line: e.reason for e in rejected.value.errors}
        assert sorted(lines) == [3, 4, 5, 6, 7, 8]
        assert lines[3] == "email: User with this Email address already exists."
        assert lines[4] == "email: Enter a valid email address."
        assert lines[5] == "role: Value 'wizard' is not a valid choice."
        assert lines[6] == "student_number: A student needs a student number."
        assert lines[7] == "student_number: Only students have a student number."
        # S1 is free in the database but taken by line 2 of the same file.
        assert lines[8] == "student_number: Another account of the institution has this student number."
        assert not User.objects.filter(email="ok@school.org").exists()

    def test_a_line_repeating_an_email_of_the_file_is_refused_whatever_its_case(self):
        with pytest.raises(ImportRejected) as rejected:
            users_import_csv(
                institution=first_institution(),
                text=HEADER + "ann@school.org,Ann,Lee,teacher,\nANN@school.org,Ann,Lee,parent,\n",
            )
        assert [str(e) for e in rejected.value.errors] == [
            "Line 3: email: User with this Email address already exists."
        ]
        assert not User.objects.filter(email="ann@school.org").exists()

    def test_every_problem_of_a_line_is_named_with_its_column(self):
        with pytest.raises(ImportRejected) as rejected:
            users_import_csv(institution=first_institution(), text=HEADER + f"{'a' * 250}@school.org,,Lee,teacher,T1\n")
        [error] = rejected.value.errors
        assert error.reason == (
            "email: Ensure this value has at most 254 characters (it has 261). "
            "first_name: This field cannot be blank. "
            "student_number: Only students have a student number."
        )

    def test_a_short_line_leaves_the_last_columns_empty(self):
        [user] = users_import_csv(institution=first_institution(), text=HEADER + "pa@school.org,Pa,Lee,parent\n")
        assert user.student_number is None

    def test_it_refuses_a_wrong_header(self):
        with pytest.raises(ImportRejected, match="header must be"):
            users_import_csv(institution=first_institution(), text="mail,name\na@b.org,A\n")


class TestLoginBegin:
    def test_of_simultaneous_guesses_only_the_limit_are_compared(self, settings):
        """Fifty requests that all started before any of them failed: the first five are compared (counted as
        they begin), the others refused, and the five failures lock the account."""
        allowed = 0
        for _ in range(50):
            try:
                login_begin(email="sam@school.org", address="127.0.0.1")
            except DomainError:
                continue
            allowed += 1
        assert allowed == settings.LOGIN_FAILURES_PER_ACCOUNT
        for _ in range(allowed):
            login_failed(email="sam@school.org", address="127.0.0.1")
        with pytest.raises(DomainError, match="locked for 15 more minutes"):
            login_begin(email="SAM@school.org", address="10.0.0.9")
