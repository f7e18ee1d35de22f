from django.core.management.base import BaseCommand

from reports.services import send_attendance_alerts


class Command(BaseCommand):
    help = (
        "Send the alerts of the progress dashboards (low attendance per course, low performance, behavioural"
        " concerns) to students, parents and teachers, once a week at most per student and reason."
    )

    def handle(self, *args, **options):
        sent = send_attendance_alerts()
        self.stdout.write(f"Sent {len(sent)} alert(s).")
