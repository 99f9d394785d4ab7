"""The propaganda team page: staff keep their own team up to date."""

import pytest
from django.urls import reverse

from communities.forms import BaseMemberFormSet
from communities.models import PropagandaTeam, TeamMember

pytestmark = pytest.mark.django_db


def team_data(members, initial=0, established_on="2021-03-25"):
    data = {
        "established_on": established_on,
        "members-TOTAL_FORMS": str(len(members)),
        "members-INITIAL_FORMS": str(initial),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    for index, member in enumerate(members):
        data.update({f"members-{index}-{key}": value for key, value in member.items()})
    return data


def member(name, role="网格员", contact=False, **extra):
    fields = {"name": name, "role": role, "phone": "13800000000", **extra}
    if contact:
        fields["is_group_contact"] = "on"
    return fields


@pytest.fixture
def alice(client, people):
    client.force_login(people["alice"])
    return client


def test_staff_build_their_team(alice, places):
    data = team_data([member("陈主任", "社区两委", contact=True), member("王警官", "民警")])
    response = alice.post(reverse("team"), data, follow=True)
    assert "宣讲队伍已保存" in response.content.decode()
    team = PropagandaTeam.objects.get(community=places["a"])
    assert str(team.established_on) == "2021-03-25"
    assert list(team.members.values_list("name", "is_group_contact")) == [
        ("陈主任", True),
        ("王警官", False),
    ]


@pytest.mark.parametrize(
    ("case", "members", "message"),
    [
        ("no contact", [member("陈主任")], "请指定一名成员加入"),
        ("two contacts", [member("甲", contact=True), member("乙", contact=True)], "只能指定一人"),
        ("missing name", [member("", contact=True)], "这个字段是必填项"),
    ],
)
def test_team_mistakes_are_named_and_nothing_saved(alice, places, case, members, message):
    page = alice.post(reverse("team"), team_data(members)).content.decode()
    assert message in page, case
    assert not PropagandaTeam.objects.filter(community=places["a"]).exists()


def test_future_establishment_date_is_refused(alice, places):
    page = alice.post(
        reverse("team"), team_data([member("甲", contact=True)], established_on="2999-01-01")
    ).content.decode()
    assert "成立日期不能晚于今天" in page


def test_contact_can_move_to_another_member(alice, places):
    alice.post(reverse("team"), team_data([member("甲", contact=True), member("乙")]))
    team = PropagandaTeam.objects.get(community=places["a"])
    first, second = team.members.order_by("pk")
    data = team_data(
        [member("甲", id=first.pk), member("乙", contact=True, id=second.pk)], initial=2
    )
    data.update({"members-0-team": team.pk, "members-1-team": team.pk})
    alice.post(reverse("team"), data)
    assert team.members.get(is_group_contact=True).name == "乙"


@pytest.mark.parametrize("who", ["head", "office", "leader", "nobody"])
def test_only_community_staff_have_a_team_page(client, people, who):
    client.force_login(people[who])
    assert client.get(reverse("team")).status_code == 403


def test_each_staff_member_sees_only_their_own_team(client, people, places):
    PropagandaTeam.objects.create(community=places["b"], established_on="2021-03-01")
    client.force_login(people["alice"])
    page = client.get(reverse("team")).content.decode()
    assert "甲社区" in page
    assert "乙社区" not in page


@pytest.fixture
def team_with_contact(places):
    """甲社区's team, 陈主任 its work-group contact."""
    team = PropagandaTeam.objects.create(community=places["a"], established_on="2021-03-25")
    TeamMember.objects.create(team=team, name="陈主任", role="社区两委", is_group_contact=True)
    return team


def test_a_crafted_second_contact_is_refused_on_the_page(alice, team_with_contact):
    """A POST that leaves the saved contact out and names a new one is refused with
    a message, not an IntegrityError; nothing is saved."""
    data = team_data([member("乙", contact=True)], established_on="2021-01-01")
    response = alice.post(reverse("team"), data)
    assert response.status_code == 200
    assert "工作群联系人只能指定一人。" in response.content.decode()
    team_with_contact.refresh_from_db()
    assert str(team_with_contact.established_on) == "2021-03-25"
    assert list(team_with_contact.members.values_list("name", "is_group_contact")) == [
        ("陈主任", True)
    ]


def test_a_member_added_beside_a_saved_contact_needs_no_second_contact(alice, team_with_contact):
    """The saved contact the POST leaves out still counts: adding a plain member is fine."""
    alice.post(reverse("team"), team_data([member("乙")]))
    assert list(team_with_contact.members.values_list("name", "is_group_contact")) == [
        ("陈主任", True),
        ("乙", False),
    ]


def test_a_concurrent_second_contact_is_a_message_and_changes_nothing(alice, places, monkeypatch):
    """Another device names a contact between our check and our save: the database
    refuses the second one, the page says so, and nothing of this POST is kept."""
    validate = BaseMemberFormSet.clean

    def other_device_saves_meanwhile(formset):
        validate(formset)
        team = PropagandaTeam.objects.get_or_create(community=places["a"])[0]
        TeamMember.objects.create(team=team, name="陈主任", role="社区两委", is_group_contact=True)

    monkeypatch.setattr(BaseMemberFormSet, "clean", other_device_saves_meanwhile)
    data = team_data([member("乙", contact=True)], established_on="2021-01-01")
    response = alice.post(reverse("team"), data, follow=True)
    assert response.status_code == 200
    assert "宣讲队伍刚在其他设备上修改过，本次未保存" in response.content.decode()
    team = PropagandaTeam.objects.get(community=places["a"])
    assert team.established_on is None
    assert list(team.members.values_list("name", "is_group_contact")) == [("陈主任", True)]
