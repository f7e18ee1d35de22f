from django.core.management.base import BaseCommand

from attendance.services import sessions_close_due


class Command(BaseCommand):
    help = "Close every open session whose end has passed (idempotent; the worker runs it every minute)."

    def handle(self, *args, **options):
        closed = sessions_close_due()
        self.stdout.write(f"Closed {len(closed)} session(s).")
