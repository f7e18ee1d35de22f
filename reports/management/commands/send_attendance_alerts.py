from django.core.management.base import BaseCommand

from reports.services import send_attendance_alerts


class Command(BaseCommand):
    help = "Alert students below their course's threshold (and their parents and teachers), once a week at most."

    def handle(self, *args, **options):
        sent = send_attendance_alerts()
        self.stdout.write(f"Sent {len(sent)} alert(s).")
