"""Every rule that changes attendance, one module per subject; other apps and the views use these names.

- `codes`: issuing a code, the code a rotating projector shows.
- `checkin`: a student's check-in, its limits and the wrong-code lockout.
- `review`: validating, rejecting, roll call.
- `checkout`: a student's check-out, and flagging at closing who left early.
- `closing`: opening and closing a session (the lifecycle of `courses.services`, plus attendance's part).
- `justifications`: absence justifications and their review.
- `records`: writing records with their history (package-internal), and `records_excuse`.
"""

from attendance.services.checkin import (
    LOCKED_MESSAGE,
    CodeEntryLocked,
    check_out_with_button,
    code_submit,
    lockout_clear,
)
from attendance.services.checkout import checkout_refusal, record_check_out
from attendance.services.closing import session_close, session_open, sessions_close_due
from attendance.services.codes import code_issue, code_shown, normalize_code, rotating_code
from attendance.services.justifications import (
    justification_approve,
    justification_deny,
    justification_submit,
    justification_withdraw,
)
from attendance.services.records import records_excuse
from attendance.services.review import (
    ROLL_CALL_STATUSES,
    record_reject,
    record_validate,
    records_validate_pending,
    roll_call_save,
)

__all__ = [
    "LOCKED_MESSAGE",
    "ROLL_CALL_STATUSES",
    "CodeEntryLocked",
    "check_out_with_button",
    "checkout_refusal",
    "code_issue",
    "code_shown",
    "code_submit",
    "justification_approve",
    "justification_deny",
    "justification_submit",
    "justification_withdraw",
    "lockout_clear",
    "normalize_code",
    "record_check_out",
    "record_reject",
    "record_validate",
    "records_excuse",
    "records_validate_pending",
    "roll_call_save",
    "rotating_code",
    "session_close",
    "session_open",
    "sessions_close_due",
]
