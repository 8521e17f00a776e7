"""Django admin for the organisation tree and accounts (superusers only: Django's is_staff)."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from zhaoshang.org.models import Account, Membership, Person, TeamMember, Unit
from zhaoshang.org.services import do_save_unit


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "parent", "official_code", "order", "depth")
    list_filter = ("kind", "official_code", "depth")
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "depth")

    def get_readonly_fields(self, request, obj=None):
        # The service finds a unit by its code, so an existing code stays fixed.
        return (*self.readonly_fields, "code") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        # path/depth drive every scope check: only the service may set them.
        unit, _created, _changed = do_save_unit(
            obj.code,
            name=obj.name,
            kind=obj.kind,
            parent=obj.parent,
            order=obj.order,
            official_code=obj.official_code,
            actor=request.user,
            reason=gettext("管理后台修改"),
        )
        obj.pk, obj.path, obj.depth = unit.pk, unit.path, unit.depth


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit__kind")
    search_fields = ("user__username", "user__first_name", "unit__name", "unit__code")
    autocomplete_fields = ("user", "unit")
    list_select_related = ("user", "unit")


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("user", "must_change_password", "uses_demo_password")
    list_filter = ("must_change_password",)
    search_fields = ("user__username", "user__first_name")
    readonly_fields = ("demo_password_hash",)
    list_select_related = ("user",)

    @admin.display(boolean=True, description=_("仍在使用演示密码"))
    def uses_demo_password(self, obj: Account) -> bool:
        return bool(obj.demo_password_hash) and obj.demo_password_hash == obj.user.password


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ("name", "unit", "title", "phone", "user")
    list_filter = ("unit__kind",)
    search_fields = ("name", "phone", "unit__name")
    autocomplete_fields = ("unit", "user")
    list_select_related = ("unit", "user")


@admin.register(TeamMember)
class TeamMemberAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "person", "role")
    list_filter = ("role",)
    search_fields = ("unit__name", "person__name")
    autocomplete_fields = ("unit", "person")
    list_select_related = ("unit", "person")
