from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.access import own_community_id
from communities.context_processors import LARGE_TEXT_COOKIE
from communities.forms import MemberFormSet, TeamForm
from communities.models import Community, PropagandaTeam
from core.http import redirect_back


@login_required
def team(request):
    """The staff member's own community's propaganda team."""
    community = get_object_or_404(Community, pk=own_community_id(request.user))
    team = PropagandaTeam.objects.filter(community=community).first() or PropagandaTeam(
        community=community
    )
    if request.method == "POST":
        form = TeamForm(request.POST, instance=team)
        members = MemberFormSet(request.POST, instance=team, prefix="members")
        if form.is_valid() and members.is_valid():
            try:
                with transaction.atomic():
                    form.save()
                    to_save = members.save(commit=False)
                    # Deletions and lost contact flags first, so that a contact handed
                    # to another member never counts twice on the way.
                    for member in members.deleted_objects:
                        member.delete()
                    for member in sorted(to_save, key=lambda m: m.is_group_contact):
                        member.save()
            except IntegrityError:
                # Another device saved the team between our check and our save
                # (a second contact, or the team created twice): nothing of ours is kept.
                messages.error(
                    request,
                    _(
                        "The team was changed on another device meanwhile: nothing was saved. "
                        "Please check it and save again."
                    ),
                )
                return redirect("team")
            messages.success(request, _("Team saved."))
            return redirect("team")
        messages.error(request, _("Nothing was saved: please correct the fields marked in red."))
    else:
        form = TeamForm(instance=team)
        members = MemberFormSet(instance=team, prefix="members")
    return render(
        request,
        "communities/team.html",
        {
            "community": community,
            "form": form,
            "members": members,
        },
    )


@require_POST
def text_size(request):
    """大字模式: a switch remembered in a cookie, for older staff (适老化)."""
    response = redirect_back(request, "/", field="next")
    if request.POST.get("large") == "1":
        response.set_cookie(LARGE_TEXT_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(LARGE_TEXT_COOKIE)
    return response
