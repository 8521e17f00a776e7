"""Forms of the administration pages. Every choice is narrowed to the administrator's subtree."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhaoshang.codes import code_problem
from zhaoshang.org.models import Person, Role, TeamRole, Unit, UnitKind
from zhaoshang.org.scope import scope_of, visible
from zhaoshang.stamps import StampField, stamp

User = get_user_model()


def managed_units(user) -> QuerySet:
    """Units the user administers: the subtrees of their 管理员 memberships (all for a superuser)."""
    scope = scope_of(user)
    if scope.everything:
        return Unit.objects.all()
    q = Q(pk__in=[])
    for path, role in scope.grants:
        if role == Role.ADMIN:
            q |= Q(path__startswith=path)
    return Unit.objects.filter(q)


class UnitChoiceField(forms.ModelChoiceField):
    """Units as an indented tree (GB/T 2260 codes sort a county right after its prefecture)."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u3000" * obj.depth + obj.name


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name()
        return f"{name}（{obj.username}）" if name else obj.username


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("修改原因"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("记入变更记录，可不填"),
    )


unit_code_validator = RegexValidator(
    r"^[0-9A-Za-z-]+$",
    gettext_lazy("单位编码只能包含数字、英文字母和短横线（-）。"),
)


class UnitForm(forms.Form):
    """A unit's own record. ``code`` only when creating: services find units by code."""

    code = forms.CharField(
        label=gettext_lazy("单位编码"),
        max_length=32,
        validators=[unit_code_validator],
        help_text=gettext_lazy("县市用 GB/T 2260 代码（如 522601）；乡镇、部门可用上级编码加后缀"),
    )
    name = forms.CharField(label=gettext_lazy("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=gettext_lazy("单位类型"), choices=UnitKind.choices)
    parent = UnitChoiceField(
        label=gettext_lazy("上级单位"),
        queryset=Unit.objects.none(),
        empty_label=None,
        help_text=gettext_lazy("改变上级即把本单位连同下级一起移到新的上级之下"),
    )
    order = forms.IntegerField(
        label=gettext_lazy("排序"),
        initial=0,
        help_text=gettext_lazy("数字小的排在前面；也可以在上级单位页面用 ↑ ↓ 调整"),
    )
    official_code = forms.BooleanField(
        label=gettext_lazy("编码取自 GB/T 2260 国家标准"),
        required=False,
        initial=True,
    )
    reason = _reason_field()
    stamp = StampField()

    def __init__(self, *args, user, unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        if unit is None:
            # Creating under a parent given by the page.
            del self.fields["parent"]
        else:
            del self.fields["code"]
            # Anywhere in the administrator's subtrees, except inside the unit itself.
            self.fields["parent"].queryset = (
                managed_units(user).exclude(path__startswith=unit.path).order_by("code")
            )

    @staticmethod
    def initial_for(unit: Unit) -> dict:
        return {
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent_id,
            "order": unit.order,
            "official_code": unit.official_code,
            "stamp": stamp(unit),
        }

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        problem = code_problem(
            code, label=_("单位编码"), max_length=Unit._meta.get_field("code").max_length
        )
        if problem:
            raise forms.ValidationError(problem)
        if Unit.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("单位编码 %(code)s 已被使用，请换一个。") % {"code": code}
            )
        return code

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写单位名称。"))
        return name


class PersonForm(forms.Form):
    """A responsible person (责任人) of a unit."""

    name = forms.CharField(label=gettext_lazy("姓名"), max_length=50)
    title = forms.CharField(label=gettext_lazy("职务"), max_length=100, required=False)
    phone = forms.CharField(label=gettext_lazy("电话"), max_length=50, required=False)
    user = AccountChoiceField(
        label=gettext_lazy("登录账号"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("（不关联账号）"),
        help_text=gettext_lazy("此人有平台账号时可关联，便于今后提醒"),
    )
    reason = _reason_field()
    stamp = StampField()

    def __init__(self, *args, unit: Unit, person: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.person = person
        # Accounts working in the person's unit or below, plus the one already linked.
        current = [person.user_id] if person is not None and person.user_id else []
        self.fields["user"].queryset = (
            User.objects.filter(
                Q(memberships__unit__path__startswith=unit.path) | Q(pk__in=current)
            )
            .distinct()
            .order_by("username")
        )

    @staticmethod
    def initial_for(person: Person) -> dict:
        return {
            "name": person.name,
            "title": person.title,
            "phone": person.phone,
            "user": person.user_id,
            "stamp": stamp(person),
        }

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Person.objects.filter(unit=self.unit, name=name)
        if self.person is not None:
            others = others.exclude(pk=self.person.pk)
        if others.exists():
            raise forms.ValidationError(
                _(
                    "本单位已有名为「%(name)s」的责任人；同名的人请在姓名后加以区分，如「%(name)s（招商局）」。"
                )
                % {"name": name}
            )
        return name


class TeamMemberForm(forms.Form):
    """Adds someone to a unit's working team: a registered person or a new name."""

    person = forms.ModelChoiceField(
        label=gettext_lazy("人员"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=gettext_lazy("（请选择）"),
    )
    new_name = forms.CharField(
        label=gettext_lazy("或登记新人员"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("名单里没有时填写姓名，登记为本单位的人员"),
    )
    role = forms.ChoiceField(label=gettext_lazy("专班职务"), choices=TeamRole.choices)

    def __init__(self, *args, unit: Unit, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["person"].queryset = (
            visible(Person.objects.filter(unit__path__startswith=unit.path), user)
            .select_related("unit")
            .order_by("unit__code", "name")
        )
        self.fields["person"].label_from_instance = self._person_label

    def _person_label(self, person: Person) -> str:
        if person.unit_id == self.unit.pk:
            return person.name
        return f"{person.name}（{person.unit.name}）"

    def clean(self):
        data = super().clean()
        person, new_name = data.get("person"), (data.get("new_name") or "").strip()
        data["new_name"] = new_name
        if person is None and not new_name:
            self.add_error("person", _("请从名单中选择人员，或填写新人员的姓名。"))
        elif person is not None and new_name:
            self.add_error("new_name", _("已选择了人员，请不要再填写新姓名。"))
        return data


class TeamRoleForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("专班职务"), choices=TeamRole.choices)


ROLE_HELP = gettext_lazy(
    "领导、查看：只能查看；填报员：填报和修改本单位及下级的数据；管理员：另可管理单位、人员和账号"
)


class AccountForm(forms.Form):
    """A login working in one unit with one role."""

    username = forms.CharField(
        label=gettext_lazy("登录名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=gettext_lazy("登录时使用，建立后不能修改；可用拼音、字母、数字"),
    )
    full_name = forms.CharField(label=gettext_lazy("姓名"), max_length=150)
    unit = UnitChoiceField(
        label=gettext_lazy("所在单位"), queryset=Unit.objects.none(), empty_label=None
    )
    role = forms.ChoiceField(
        label=gettext_lazy("角色"),
        choices=Role.choices,
        initial=Role.REPORTER,
        help_text=ROLE_HELP,
    )
    reason = _reason_field()

    def __init__(self, *args, user, within: Unit | None = None, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        if editing is not None:
            del self.fields["username"]
        # Only units the administrator runs, so no role can be granted above their subtree.
        units = managed_units(user)
        if within is not None:
            units = units.filter(path__startswith=within.path)
        self.fields["unit"].queryset = units.order_by("code")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("登录名 %(name)s 已被使用，请换一个。") % {"name": username}
            )
        return username

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("请填写姓名。"))
        return name
