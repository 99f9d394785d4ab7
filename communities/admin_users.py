"""Accounts in the admin, least privilege (等保 2.0 访问控制).

Superusers keep Django's full user admin. The office (综治办) manages the
portal's accounts and nothing more: it gives and takes the portal's roles, never
`is_superuser`, single permissions or any other group (`is_staff` follows the
综治办 role, so an office account it makes can open the admin); it never
sees a superuser, so it cannot open, change, reset or deactivate one. Fields it
may not change are absent from its form, so a crafted POST naming them is ignored.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from communities.models import Role
from communities.passwords import require_new_password
from core.admin import yes_no_icon

admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "email", "first_name", "last_name", "staff_status")
    office_readonly_fields = ("staff_status", "last_login", "date_joined")

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(is_superuser=False)

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        # Its own account is read-only to the office: shown, as a read-only field, in words.
        active = "active_status" if obj == request.user else "is_active"
        return (
            (None, {"fields": ("username", "password")}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Role"), {"fields": (active, "groups", "staff_status")}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        if obj == request.user:
            # Nobody gives themselves a role: another office account or a superuser does.
            return (*self.office_readonly_fields, "groups", "active_status")
        return self.office_readonly_fields

    @admin.display(description=User._meta.get_field("is_staff").verbose_name)
    def staff_status(self, user):
        return yes_no_icon(user.is_staff)

    @admin.display(description=User._meta.get_field("is_active").verbose_name)
    def active_status(self, user):
        return yes_no_icon(user.is_active)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = role_groups()
            kwargs["help_text"] = _("The office gives and takes the portal's roles only.")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    # A user the office does not list answers 404 on every page of its own,
    # instead of the admin's redirect to the index.

    def _require_listed(self, request, object_id):
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._require_listed(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_listed(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_listed(request, object_id)
        return super().history_view(request, object_id, extra_context)

    # Saving.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # A password set by someone else is known to them: replaced at first login.
            require_new_password(obj)

    def save_related(self, request, form, formsets, change):
        """Groups the office cannot see stay as they were (its form lists role groups only)."""
        unseen = []
        if change and not request.user.is_superuser:
            if form.instance == request.user:
                return  # its own groups are read-only to it (get_readonly_fields)
            unseen = list(form.instance.groups.exclude(pk__in=role_groups()))
        super().save_related(request, form, formsets, change)
        if unseen:
            form.instance.groups.add(*unseen)
        if not request.user.is_superuser:
            staff_follows_role(form.instance)

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        before = user.password if user is not None else None
        response = super().user_change_password(request, id, form_url)
        if user is not None and user != request.user:
            user.refresh_from_db(fields=["password"])
            if user.password != before:
                require_new_password(user)
        return response


def staff_follows_role(user):
    """The office's role opens the admin (is_staff); taking the role away closes it."""
    is_office = user.groups.filter(name=Role.OFFICE).exists()
    if user.is_staff != is_office:
        user.is_staff = is_office
        user.save(update_fields=["is_staff"])


def role_groups():
    return Group.objects.filter(name__in=Role.values)
