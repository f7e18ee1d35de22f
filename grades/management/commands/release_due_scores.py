from django.core.management.base import BaseCommand

from grades.services import release_due


class Command(BaseCommand):
    help = "Tell students and parents of the scores whose release date has come (each assessment once)."

    def handle(self, *args, **options):
        released = release_due()
        self.stdout.write(f"Released {len(released)} assessment(s).")
