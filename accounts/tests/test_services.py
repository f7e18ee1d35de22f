import pytest

from accounts.models import ParentLink, User
from accounts.services import parent_link_add, users_import_csv
from accounts.tests.factories import ParentFactory, StudentFactory, TeacherFactory
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
        users = users_import_csv(text=HEADER + "Ann@School.org,Ann,Lee,student,S100\nbob@school.org,Bob,Ray,teacher,\n")
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
            users_import_csv(text=text)
        lines = {e.line: e.reason for e in rejected.value.errors}
        assert sorted(lines) == [3, 4, 5, 6, 7, 8]
        assert "already exists" in lines[3]
        assert "not a valid email" in lines[4]
        assert "unknown role" in lines[5]
        assert "needs a student number" in lines[6]
        assert "only students" in lines[7]
        assert "already taken" in lines[8]
        assert not User.objects.filter(email="ok@school.org").exists()

    def test_it_refuses_a_wrong_header(self):
        with pytest.raises(ImportRejected, match="header must be"):
            users_import_csv(text="mail,name\na@b.org,A\n")
