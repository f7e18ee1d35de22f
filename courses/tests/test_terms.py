"""School years and terms: a term lies inside its year and overlaps none of its other terms; the current term
is the one today falls in; administrators keep them in Django admin; a course may belong to a term."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.tests.factories import AdminFactory, first_institution
from courses import selectors, services
from courses.models import AcademicYear, Course, Term
from courses.tests.factories import AcademicYearFactory, ClassSessionFactory, CourseFactory, TermFactory
from courses.tests.test_views import CHECKOUT

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    return AcademicYearFactory(name="2026-2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 7, 3))


class TestTermSave:
    def test_a_term_inside_its_year_is_saved(self, year):
        term = services.term_save(
            term=Term(year=year, name="Term 1", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 18))
        )
        assert term.pk and str(term) == "2026-2027 · Term 1"

    def test_a_term_past_its_year_is_refused(self, year):
        with pytest.raises(ValidationError, match="inside its year"):
            services.term_save(
                term=Term(year=year, name="Term 3", starts_on=date(2027, 4, 1), ends_on=date(2027, 8, 1))
            )
        assert not Term.objects.exists()

    def test_a_term_overlapping_another_is_refused(self, year):
        TermFactory(year=year, name="Term 1", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 18))
        with pytest.raises(ValidationError, match="overlaps Term 1"):
            services.term_save(
                term=Term(year=year, name="Term 2", starts_on=date(2026, 12, 18), ends_on=date(2027, 3, 1))
            )
        assert Term.objects.count() == 1

    def test_a_term_ending_before_it_starts_is_refused(self, year):
        with pytest.raises(ValidationError, match="end before"):
            services.term_save(term=Term(year=year, name="T", starts_on=date(2026, 10, 2), ends_on=date(2026, 10, 1)))


class TestCurrentTerm:
    def test_it_is_the_term_today_falls_in(self, year):
        TermFactory(year=year, name="Term 1", starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 18))
        second = TermFactory(year=year, name="Term 2", starts_on=date(2027, 1, 4), ends_on=date(2027, 3, 26))
        assert selectors.current_term(first_institution(), today=date(2027, 1, 4)) == second
        assert selectors.current_term(first_institution(), today=date(2026, 12, 25)) is None

    def test_a_filter_asks_for_a_term_all_terms_or_the_current_one(self):
        current = TermFactory()
        other = TermFactory(
            year=current.year,
            starts_on=current.ends_on + timedelta(days=1),
            ends_on=current.ends_on + timedelta(days=9),
        )
        assert selectors.term_or_current("", first_institution()) == current
        assert selectors.term_or_current(str(other.pk), first_institution()) == other
        assert selectors.term_or_current("all", first_institution()) is None
        for nonsense in ("nonsense", "²", str(2**64), "-1"):
            assert selectors.term_or_current(nonsense, first_institution()) is None

    def test_a_term_narrows_a_period_to_the_days_inside_its_dates(self):
        term = TermFactory(starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 18))
        assert selectors.term_period(term) == (date(2026, 9, 1), date(2026, 12, 18))
        assert selectors.term_period(term, first=date(2026, 10, 1)) == (date(2026, 10, 1), date(2026, 12, 18))
        assert selectors.term_period(term, last=date(2027, 1, 9)) == (date(2026, 9, 1), date(2026, 12, 18))
        assert selectors.term_period(None, first=date(2026, 10, 1)) == (date(2026, 10, 1), None)

    def test_sessions_default_to_the_current_term_only_when_the_course_has_sessions_in_it(self):
        current = TermFactory()
        course = CourseFactory()
        assert selectors.session_term_or_current(course, "") is None
        ClassSessionFactory(course=course)
        assert selectors.session_term_or_current(course, "") == current
        assert selectors.session_term_or_current(course, "all") is None
        assert selectors.session_term_or_current(course, str(current.pk)) == current


class TestAdmin:
    def year_form(self, **changes):
        data = {
            "name": "2026-2027",
            "starts_on": "2026-09-01",
            "ends_on": "2027-07-03",
            "terms-TOTAL_FORMS": 2,
            "terms-INITIAL_FORMS": 0,
            "terms-0-name": "Term 1",
            "terms-0-starts_on": "2026-09-01",
            "terms-0-ends_on": "2026-12-18",
            "terms-1-name": "Term 2",
            "terms-1-starts_on": "2027-01-04",
            "terms-1-ends_on": "2027-03-26",
        }
        return data | changes

    def test_an_administrator_adds_a_year_with_its_terms(self, client):
        client.force_login(AdminFactory())
        response = client.post(reverse("admin:courses_academicyear_add"), self.year_form())
        assert response.status_code == 302
        assert list(Term.objects.values_list("name", flat=True)) == ["Term 1", "Term 2"]

    def test_two_overlapping_terms_on_one_form_are_refused(self, client):
        client.force_login(AdminFactory())
        response = client.post(
            reverse("admin:courses_academicyear_add"), self.year_form(**{"terms-1-starts_on": "2026-12-01"})
        )
        assert response.status_code == 200
        assert "Term 1 and Term 2 overlap." in response.text
        assert not Term.objects.exists()

    def test_a_term_outside_the_year_on_the_same_form_is_refused(self, client):
        client.force_login(AdminFactory())
        response = client.post(
            reverse("admin:courses_academicyear_add"), self.year_form(**{"terms-1-ends_on": "2027-08-01"})
        )
        assert response.status_code == 200
        assert "A term must lie inside its year (2026-09-01 to 2027-07-03)." in response.text
        assert not Term.objects.exists()

    def test_terms_that_only_touch_end_to_start_overlap_by_a_day(self, client):
        client.force_login(AdminFactory())
        response = client.post(
            reverse("admin:courses_academicyear_add"), self.year_form(**{"terms-1-starts_on": "2026-12-18"})
        )
        assert "Term 1 and Term 2 overlap." in response.text

    def test_a_term_is_deleted_from_its_year_unless_a_course_belongs_to_it(self, client, cast):
        client.force_login(AdminFactory())
        client.post(reverse("admin:courses_academicyear_add"), self.year_form())
        year = AcademicYear.objects.get()
        first, second = Term.objects.order_by("starts_on")
        cast.course.term = first
        cast.course.save()
        form = self.year_form(
            **{"terms-INITIAL_FORMS": 2, "terms-0-id": first.pk, "terms-1-id": second.pk, "terms-0-year": year.pk}
        )
        form |= {"terms-1-year": year.pk, "terms-0-DELETE": "on", "terms-1-DELETE": "on"}
        response = client.post(reverse("admin:courses_academicyear_change", args=[year.pk]), form, follow=True)
        assert response.status_code == 200
        assert "would require deleting the following protected related objects" in response.text
        assert Term.objects.count() == 2
        form["terms-0-DELETE"] = ""
        client.post(reverse("admin:courses_academicyear_change", args=[year.pk]), form)
        assert list(Term.objects.values_list("name", flat=True)) == ["Term 1"]

    def test_a_term_outside_the_new_year_is_refused(self, client):
        client.force_login(AdminFactory())
        response = client.post(
            reverse("admin:courses_academicyear_add"), self.year_form(**{"terms-1-ends_on": "2027-08-30"})
        )
        assert response.status_code == 200
        assert "A term must lie inside its year" in response.text
        assert not Term.objects.exists()


def test_a_teacher_gives_a_course_a_subject_and_a_term(client, cast):
    term = TermFactory()
    client.force_login(cast.teacher)
    response = client.post(
        reverse("courses:course_edit", args=[cast.course.pk]),
        {
            "code": cast.course.code,
            "title": "Algebra",
            "subject": "Mathematics",
            "term": term.pk,
            "code_minutes": 10,
            "risk_threshold": 75,
            **CHECKOUT,
        },
    )
    assert response.status_code == 302
    course = Course.objects.get(pk=cast.course.pk)
    assert (course.subject, course.term) == ("Mathematics", term)
    page = client.get(reverse("courses:course_detail", args=[course.pk]))
    assert "Mathematics" in page.text and term.name in page.text
