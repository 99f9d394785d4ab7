"""communities.access: each rule once, as a query beside the yes/no answer for one object."""

from datetime import UTC, datetime

import pytest

from communities.access import viewer_of, visible_communities
from communities.models import AccessEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("alice", {"a"}),
        ("bob", {"b"}),
        ("head", {"a", "c"}),
        ("other_head", {"b"}),
        ("office", {"a", "b", "c"}),
        ("leader", {"a", "b", "c"}),
        ("nobody", set()),
    ],
)
def test_the_query_and_the_answer_for_one_community_agree(who, sees, places, people):
    user = people[who]
    expected = {places[key].pk for key in sees}
    assert set(visible_communities(user).values_list("pk", flat=True)) == expected, who
    for key in ("a", "b", "c"):
        assert viewer_of(user).can_view(places[key]) is (places[key].pk in expected), (who, key)


@pytest.mark.parametrize(
    ("who", "keeps_team", "edits", "originals", "sees_all", "office"),
    [
        ("alice", True, {"a"}, {"a"}, False, False),
        ("head", False, set(), set(), False, False),
        ("office", False, set(), {"a", "b", "c"}, True, True),
        ("leader", False, set(), set(), True, False),
        ("nobody", False, set(), set(), False, False),
    ],
)
def test_named_answers_by_role(who, keeps_team, edits, originals, sees_all, office, places, people):
    viewer = viewer_of(people[who])
    assert viewer.keeps_team is keeps_team
    assert viewer.files_reports is keeps_team
    assert viewer.sees_all is sees_all
    assert viewer.is_office is office
    for key in ("a", "b", "c"):
        assert viewer.can_edit(places[key]) is (key in edits), (who, key)
        assert viewer.can_see_originals(places[key]) is (key in originals), (who, key)


def test_a_login_record_names_its_time_in_luoshan(db):
    """A record made at 16:30 UTC on 1 May reads 00:30 on 2 May, as the office lives it."""
    event = AccessEvent(kind=AccessEvent.Kind.LOGIN, username="alice")
    event.at = datetime(2021, 5, 1, 16, 30, tzinfo=UTC)
    assert str(event).startswith("2021-05-02 00:30")


def test_an_activitys_name_gives_its_day_in_luoshan(april):
    """Held at 07:30 on 10 April in Luoshan: 23:30 on the 9th in UTC, named the 10th."""
    activity = april.activities.get()
    activity.held_at = datetime(2021, 4, 9, 23, 30, tzinfo=UTC)
    assert str(activity).startswith("2021-04-10 ")
