"""What each kind of person gets from each named URL, for the permission matrix test.

Roles: anonymous; the `student` of the course and an `other_student`; the `teacher` of the course and an
`other_teacher`; the `parent` of the student and an `other_parent`; an `admin`. Outcomes: an HTTP status, or
"login" for a redirect to the login page. Every named URL outside Django admin must be here.
"""

ROLES = ["anonymous", "student", "other_student", "teacher", "other_teacher", "parent", "other_parent", "admin"]


def outcomes(default, **by_role):
    """`default` for every role not named; anonymous visitors go to the login page unless said otherwise."""
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = "login"
    table.update(by_role)
    return table


EVERYONE = outcomes(200)
PUBLIC = outcomes(200, anonymous=200)
COURSE_MEMBERS = outcomes(404, student=200, teacher=200, parent=200, admin=200)
COURSE_MANAGERS = outcomes(404, teacher=200, admin=200)
COURSE_MANAGERS_POST = outcomes(404, teacher=302, admin=302)
JUSTIFICATION_VIEWERS = outcomes(404, student=200, parent=200, teacher=200, admin=200)


def course(cast):
    return {"pk": cast.course.pk}


def session(cast):
    return {"pk": cast.session.pk}


def record(cast):
    return {"pk": cast.record.pk}


def justification(cast):
    return {"pk": cast.justification.pk}


def behaviour_record(cast):
    return {"pk": cast.behaviour_record.pk}


def no_args(cast):
    return {}


def assessment(cast):
    from grades.tests.factories import AssessmentFactory

    return {"pk": AssessmentFactory(course=cast.course).pk}


# name: (method, kwargs from the cast, outcomes)
TABLE = {
    "home": ("get", no_args, EVERYONE),
    "accounts:login": ("get", no_args, outcomes(302, anonymous=200)),
    "accounts:logout": ("get", no_args, outcomes(405, anonymous=405)),
    "accounts:set_language": ("post", no_args, outcomes(302, anonymous=302)),
    "accounts:profile": ("get", no_args, EVERYONE),
    "accounts:contacts_edit": ("get", lambda cast: {"pk": cast.student.pk}, outcomes(404, parent=200, admin=200)),
    "accounts:register": ("get", no_args, outcomes(404, anonymous=404)),
    "accounts:password_change": ("get", no_args, EVERYONE),
    "accounts:password_change_done": ("get", no_args, EVERYONE),
    "accounts:password_reset": ("get", no_args, PUBLIC),
    "accounts:password_reset_done": ("get", no_args, PUBLIC),
    "accounts:password_reset_confirm": ("get", lambda cast: {"uidb64": "MQ", "token": "bad-token"}, PUBLIC),
    "accounts:password_reset_complete": ("get", no_args, PUBLIC),
    "courses:course_list": ("get", no_args, EVERYONE),
    "courses:course_create": ("get", no_args, outcomes(403, teacher=200, other_teacher=200, admin=200)),
    "courses:course_detail": ("get", course, COURSE_MEMBERS),
    "courses:course_edit": ("get", course, COURSE_MANAGERS),
    "courses:course_archive": ("post", course, COURSE_MANAGERS_POST),
    "courses:course_delete": ("get", course, COURSE_MANAGERS),
    "courses:session_create": ("get", course, COURSE_MANAGERS),
    "courses:session_series": ("get", course, COURSE_MANAGERS),
    "courses:roster": ("get", course, COURSE_MANAGERS),
    "courses:roster_import": ("get", course, COURSE_MANAGERS),
    "courses:roster_remove": (
        "post",
        lambda cast: {"pk": cast.course.pk, "student_pk": cast.student.pk},
        COURSE_MANAGERS_POST,
    ),
    "courses:session_edit": ("get", session, COURSE_MANAGERS),
    "courses:session_delete": ("get", session, COURSE_MANAGERS),
    "courses:session_cancel": ("get", session, COURSE_MANAGERS),
    "courses:session_restore": ("post", session, COURSE_MANAGERS_POST),
    "courses:calendar": ("get", no_args, EVERYONE),
    "courses:calendar_feed": ("get", lambda cast: {"token": "not-a-real-token"}, outcomes(404, anonymous=404)),
    "courses:calendar_feed_regenerate": ("post", no_args, outcomes(302)),
    "attendance:checkin": ("get", no_args, outcomes(403, student=200, other_student=200)),
    # The student of the course is sent back to the check-in page with the refusal (this course has no check-out).
    "attendance:checkout": ("post", session, outcomes(403, student=302, other_student=404)),
    "attendance:session_live": ("get", session, COURSE_MANAGERS),
    "attendance:session_open": ("post", session, COURSE_MANAGERS_POST),
    "attendance:code_new": ("post", session, COURSE_MANAGERS_POST),
    "attendance:session_close": ("post", session, COURSE_MANAGERS_POST),
    "attendance:validate_all": ("post", session, COURSE_MANAGERS_POST),
    "attendance:lockout_clear": (
        "post",
        lambda cast: {"pk": cast.session.pk, "student_pk": cast.student.pk},
        COURSE_MANAGERS_POST,
    ),
    "attendance:roll_call": ("get", session, COURSE_MANAGERS),
    "attendance:projector": ("get", session, COURSE_MANAGERS),
    "attendance:record_detail": ("get", record, COURSE_MANAGERS),
    "attendance:record_validate": ("post", record, COURSE_MANAGERS_POST),
    "attendance:record_reject": ("post", record, COURSE_MANAGERS_POST),
    "reports:course_report": ("get", course, COURSE_MANAGERS),
    "reports:course_register": ("get", course, COURSE_MANAGERS),
    "reports:course_export": (
        "get",
        lambda cast: {"pk": cast.course.pk, "kind": "records", "file_format": "csv"},
        COURSE_MANAGERS,
    ),
    "reports:student_report": (
        "get",
        lambda cast: {"course_pk": cast.course.pk, "student_pk": cast.student.pk},
        outcomes(404, student=200, parent=200, teacher=200, admin=200),
    ),
    "attendance:justification_list": ("get", no_args, EVERYONE),
    "attendance:justification_new": (
        "get",
        no_args,
        outcomes(403, student=200, other_student=200, parent=404, other_parent=404),
    ),
    "attendance:justification_detail": ("get", justification, JUSTIFICATION_VIEWERS),
    "attendance:justification_document": ("get", justification, JUSTIFICATION_VIEWERS),
    "attendance:justification_approve": ("post", justification, COURSE_MANAGERS_POST),
    "attendance:justification_deny": ("post", justification, COURSE_MANAGERS_POST),
    "attendance:justification_withdraw": (
        "post",
        justification,
        outcomes(404, student=302, parent=302, teacher=302, admin=302),
    ),
    "notifications:list": ("get", no_args, EVERYONE),
    "notifications:open": ("post", lambda cast: {"pk": cast.notification.pk}, outcomes(404, student=302)),
    "notifications:read_all": ("post", no_args, outcomes(302)),
    "notifications:preferences": ("get", no_args, EVERYONE),
    "notifications:badge": ("get", no_args, EVERYONE),
    "reports:child_detail": ("get", lambda cast: {"pk": cast.student.pk}, outcomes(404, parent=200, admin=200)),
    "reports:at_risk": ("get", no_args, outcomes(404, admin=200)),
    "behaviour:overview": ("get", no_args, outcomes(200, student=302, other_student=302)),
    "behaviour:student_detail": ("get", lambda cast: {"pk": cast.student.pk}, COURSE_MEMBERS),
    "behaviour:course_records": ("get", course, COURSE_MANAGERS),
    "behaviour:record_create": ("get", course, COURSE_MANAGERS),
    "behaviour:record_edit": ("get", behaviour_record, COURSE_MANAGERS),
    "behaviour:record_delete": ("get", behaviour_record, COURSE_MANAGERS),
    "behaviour:pattern_report": ("get", no_args, outcomes(403, teacher=200, other_teacher=200, admin=200)),
    "behaviour:event_list": ("get", no_args, outcomes(403, teacher=200, other_teacher=200, admin=200)),
    "behaviour:event_create": ("get", course, COURSE_MANAGERS),
    "behaviour:event_detail": ("get", lambda cast: {"pk": cast.participation.event.pk}, COURSE_MANAGERS),
    "behaviour:participation_edit": ("get", lambda cast: {"pk": cast.participation.pk}, COURSE_MANAGERS),
    "behaviour:participation_delete": ("get", lambda cast: {"pk": cast.participation.pk}, COURSE_MANAGERS),
    "reports:progress": ("get", no_args, outcomes(404, teacher=200, other_teacher=200, admin=200)),
    "reports:student_profile": ("get", lambda cast: {"pk": cast.student.pk}, COURSE_MEMBERS),
    "grades:my_grades": ("get", no_args, outcomes(403, student=200, other_student=200, parent=200, other_parent=200)),
    "grades:child_grades": ("get", lambda cast: {"pk": cast.student.pk}, outcomes(404, parent=200, admin=200)),
    "grades:subjects": ("get", no_args, outcomes(403, teacher=200, other_teacher=200, admin=200)),
    "grades:gradebook": ("get", course, COURSE_MANAGERS),
    "grades:grading_settings": ("get", course, COURSE_MANAGERS),
    "grades:gradebook_export": ("get", lambda cast: {"pk": cast.course.pk, "file_format": "xlsx"}, COURSE_MANAGERS),
    "grades:assessment_create": ("get", course, COURSE_MANAGERS),
    "grades:score_entry": ("get", assessment, COURSE_MANAGERS),
    "grades:assessment_edit": ("get", assessment, COURSE_MANAGERS),
    "grades:assessment_delete": ("get", assessment, COURSE_MANAGERS),
    "grades:score_upload": ("get", assessment, COURSE_MANAGERS),
    "grades:assessment_release": ("post", assessment, COURSE_MANAGERS_POST),
}
