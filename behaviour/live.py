"""Open pages that show a student's behaviour (their behaviour page, their profile) fetch it again when one of
their records or participations changes: a loader each, pushed after commit, as grades and check-in cards do."""

from django.urls import reverse

from accounts.selectors import administrators, institution_of, parents_by_child
from notifications.live import loader, push, student_profile_loader, student_region_group


def _loaders(student_id):
    """{region: loader} of the pages that show a student's behaviour."""
    return {
        # The profile's behaviour is in its summary cards and its timeline: both come in one fetch.
        "profile": student_profile_loader(student_id),
        "behaviour": loader(
            loader_id=f"behaviour-{student_id}-loader",
            url=reverse("behaviour:student_detail", args=[student_id]),
            target=f"#behaviour-{student_id}",
        ),
    }


def push_behaviour(students, *, teachers, family=True):
    """The pages that show the behaviour of `students` fetch it again: those of the students and their parents
    (unless `family` is False: a change they are not shown), of `teachers` (who see it in their courses) and of
    the administrators. Three queries whatever the number of students."""
    students = list(students)
    if not students:
        return
    staff = {user.pk for user in [*teachers, *administrators(institution_of(students[0]))]}
    parents = parents_by_child(students) if family else {}
    for student in students:
        viewers = staff | ({student.pk, *(parent.pk for parent in parents.get(student.pk, []))} if family else set())
        for region, html in _loaders(student.pk).items():
            for user_id in sorted(viewers):
                push(student_region_group(user_id, region, student.pk), html)
