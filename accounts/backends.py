from django.contrib.auth.backends import ModelBackend

from accounts.models import Role, User

# The apps whose models an institution's administrators keep in Django admin (narrowed to their institution by
# attendance_system.admin.InstitutionScoped).
INSTITUTION_APPS = {"accounts", "courses", "attendance", "grades", "behaviour", "reports", "notifications"}
# What stays with platform administrators (superusers): making and removing institutions.
PLATFORM_ONLY = {"accounts.add_institution", "accounts.delete_institution"}


def is_institution_administrator(user):
    """An administrator of an institution who is not a platform administrator."""
    return user.is_active and user.is_staff and user.role == Role.ADMIN and not user.is_superuser


class InstitutionBackend(ModelBackend):
    """Django's own backend, and an institution's administrators (role admin with staff status) have the Django
    admin permissions of the project's models, but not the platform's; what they see there is their own
    institution's only (attendance_system.admin.InstitutionScoped)."""

    def get_user(self, user_id):
        """The user of a request, with their institution in the same query: every page reads it (its time zone,
        its scope)."""
        user = User.objects.select_related("institution").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def has_perm(self, user_obj, perm, obj=None):
        if is_institution_administrator(user_obj):
            return perm not in PLATFORM_ONLY and perm.split(".", 1)[0] in INSTITUTION_APPS
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if is_institution_administrator(user_obj):
            return app_label in INSTITUTION_APPS
        return super().has_module_perms(user_obj, app_label)
