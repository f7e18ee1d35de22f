from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

# Fields only a platform administrator (superuser) sees in Django admin: an institution's administrators neither
# move rows to another institution nor hand out platform rights.
PLATFORM_ONLY_FIELDS = {"institution", "is_superuser", "groups", "user_permissions"}


def _institution_of(user):
    from accounts.selectors import institution_of

    return institution_of(user)


class InstitutionScoped:
    """Django admin narrowed to the reader's institution, unless they are a platform administrator (superuser):
    lists, searches, bulk actions (they act on the list's rows), autocompletes (they search the related model's
    admin), filters (only the values of the rows in the list) and foreign-key choices (the related model's admin
    narrows them). `institution_path` is the lookup from a row to its institution; None keeps the model to
    platform administrators."""

    institution_path = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        if self.institution_path is None:
            return queryset.none()
        return queryset.filter(**{self.institution_path: _institution_of(request.user)})

    def _scoped_choices(self, db_field, request, kwargs):
        related_admin = self.admin_site._registry.get(db_field.related_model)
        if request.user.is_superuser or "queryset" in kwargs:
            return kwargs
        if isinstance(related_admin, InstitutionScoped):
            kwargs["queryset"] = related_admin.get_queryset(request)
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped_choices(db_field, request, kwargs))

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [self._narrowed_filter(entry) for entry in filters if entry not in PLATFORM_ONLY_FIELDS]

    def _narrowed_filter(self, entry):
        """A filter by a related row offers only the rows related to the list's rows."""
        if not isinstance(entry, str):
            return entry
        from django.contrib.admin.utils import get_fields_from_path

        field = get_fields_from_path(self.model, entry)[-1]
        return (entry, RelatedOnlyFieldListFilter) if field.is_relation else entry

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in PLATFORM_ONLY_FIELDS]})
            for name, options in fieldsets
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if request.user.is_superuser or obj is not None or self.institution_path != "institution":
            return form
        institution = _institution_of(request.user)

        class InInstitution(form):
            """A row an institution's administrator adds is their institution's, before it is checked."""

            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                self.instance.institution = institution

        return InInstitution


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the app writes with their rules (history, notices, pushes): admin shows them and changes nothing.
    Statuses change by roll call or review, lockouts are cleared on the live page, justifications are decided
    on their page, alerts are sent by their command: all open to administrators in the app."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
