from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Assignment, PropagandaTeam, TeamMember
from core.text import refuse_control_characters


class TeamForm(forms.ModelForm):
    class Meta:
        model = PropagandaTeam
        fields = ("established_on",)
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_established_on(self):
        established_on = self.cleaned_data["established_on"]
        if established_on and established_on > timezone.localdate():
            raise ValidationError(_("The date established cannot be in the future."), code="future")
        return established_on


class BaseMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [form for form in self.forms if form.cleaned_data and form not in self.deleted_forms]
        contacts = [form for form in kept if form.cleaned_data.get("is_group_contact")]
        # A member the POST leaves out (a crafted or stale page) keeps its flag.
        contacts_elsewhere = self.contacts_not_in_forms()
        if len(contacts) + contacts_elsewhere > 1:
            raise ValidationError(
                _("Only one member can be the work-group contact."), code="two_contacts"
            )
        if kept and not contacts and not contacts_elsewhere:
            raise ValidationError(
                _("Name the member who joins the work group 罗山反诈骗宣传工作群."),
                code="no_contact",
            )

    def contacts_not_in_forms(self):
        if self.instance.pk is None:
            return 0
        in_forms = [form.instance.pk for form in self.forms if form.instance.pk]
        return self.instance.members.filter(is_group_contact=True).exclude(pk__in=in_forms).count()


class MemberForm(forms.ModelForm):
    """One team member; the typed name and phone carry no invisible control character."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "phone"):
            self.fields[name].validators.append(refuse_control_characters)


MemberFormSet = forms.inlineformset_factory(
    PropagandaTeam,
    TeamMember,
    form=MemberForm,
    formset=BaseMemberFormSet,
    fields=("name", "role", "phone", "is_group_contact"),
    widgets={"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})},
    extra=1,
    can_delete=True,
)


class AssignmentForm(forms.ModelForm):
    """Binding an account to its community, work point or unit, in the admin (least privilege):
    nobody binds their own account, and a desk account (the office, a superuser) is
    never bound to a community's or a point's reports."""

    editor = None  # set by the admin to the user filling in the form

    class Meta:
        model = Assignment
        fields = ("user", "community", "work_point", "unit")

    def clean_user(self):
        user = self.cleaned_data["user"]
        if self.editor is not None and user == self.editor:
            raise ValidationError(
                _("Nobody binds their own account: ask another office account."), code="self"
            )
        if user.is_superuser or user.is_staff:
            raise ValidationError(
                _("An office desk account is not bound to a community, a work point or a unit."),
                code="desk_account",
            )
        return user
