"""The pages of attendance, one module per subject: `live` (the teacher's side of a session), `checkin` (the
student's code box), `justifications`."""
