"""C2 demo data (luoshan/management/commands/_demo_column.py): two published posts and a
draft from the months' accepted activities; run again, nothing more."""

from luoshan.management.commands import _demo_column
from publishing.models import Post, PostState
from tests.publishing import column_data
from tests.publishing.column_data import accepted_report, unit_activity

# The C2 fixtures (tests/publishing/column_data.py), by name.
column_root = column_data.column_root


def test_c2_demo_posts(plan, places, people, column_root, client):
    office_user = people["office"]
    for month in (5, 6, 9):
        accepted_report(plan, places["a"], people["alice"], office_user, month=month)
    unit_activity(month=6)  # 电信's SMS batch: its recipients are no post's participants
    written = _demo_column.posts(plan, office_user)
    assert [post.state for post in written] == [
        PostState.PUBLISHED,
        PostState.PUBLISHED,
        PostState.DRAFT,
    ]
    assert written[1].unit_activities.count() == 0
    assert "共有40人次参加" in written[1].text  # 甲社区's 40, once: no SMS recipients
    assert written[1].text.count("甲社区") == 1
    assert all(post.photos.exists() for post in written)
    assert len(list(column_root.rglob("*.jpg"))) == 2  # 5月 and 6月: a photo each
    assert client.get(written[0].get_absolute_url()).status_code == 200
    assert _demo_column.posts(plan, office_user) == []
    assert Post.objects.count() == 3
