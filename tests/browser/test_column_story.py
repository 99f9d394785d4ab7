"""C2 as the office and the public live it: the office, on a 375 px phone, signs in to its
desk, starts a column post, picks April's accepted activity, ticks a photo, writes the
title and text, previews and publishes (after ticking the confirmation). A visitor, in a
browser of their own, without any login, opens the column, reads the post and sees its
photo; at a desk's width too. The office unpublishes it, and the visitor's page is gone
(404), its photo too. Only what a person sees and taps is used; axe on every page."""

import pytest
from playwright.sync_api import expect

from communities.permissions import grant_office_permissions
from tests.browser.conftest import PHONE, fits_the_width, log_in_to_desk, serious_violations
from tests.conftest import PASSWORD
from tests.publishing import column_data
from tests.publishing.column_data import accepted_report

# The C2 fixtures (tests/publishing/column_data.py), by name.
column_root = column_data.column_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "甲社区开展反诈集中宣讲"
TEXT = (
    "4月10日，甲社区在社区文化广场开展反诈骗集中宣讲。\n民警结合真实案例，提醒居民不轻信、不转账。"
)


def photo_loaded(page, name):
    """Whether the photo named `name` shows (scrolled to, as a reader does; waited for)."""
    photo = page.get_by_role("img", name=name).first
    photo.scroll_into_view_if_needed()
    return photo.evaluate(
        """img => img.complete ? img.naturalWidth > 0 : new Promise(done => {
            img.addEventListener('load', () => done(img.naturalWidth > 0));
            img.addEventListener('error', () => done(false));
        })"""
    )


@pytest.fixture
def april(plan, places, people):
    """A's April report, accepted: one activity (集中宣讲现场) with two photos."""
    grant_office_permissions()
    office = people["office"]
    office.is_staff = True
    office.save()
    return accepted_report(plan, places["a"], people["alice"], office)


def test_the_office_publishes_a_post_from_a_phone_and_takes_it_down(
    phone, desktop, browser, live_server, april, shoot
):
    # The office, on its phone, at the desk.
    log_in_to_desk(phone, live_server, "office", PASSWORD)
    phone.goto(f"{live_server.url}/admin/publishing/post/")
    phone.get_by_role("link", name="增加 专栏文章").click()
    expect(phone.get_by_role("heading", name="新建反诈骗专栏文章")).to_be_visible()
    phone.get_by_label("活动月份").select_option("2021-04")
    phone.get_by_role("button", name="显示该月活动").click()
    assert serious_violations(phone) == []
    phone.get_by_role("checkbox", name="甲社区 · 4月10日").check()
    phone.get_by_role("checkbox", name="甲社区，照片1").check()
    phone.get_by_label("文章标题").fill(TITLE)
    phone.get_by_label("文章正文").fill(TEXT)
    assert fits_the_width(phone)
    shoot(phone, "column-desk-new-phone")
    phone.get_by_role("button", name="保存并预览").click()

    expect(phone.get_by_text("草稿已保存，请查看下方预览。")).to_be_visible()
    expect(phone.get_by_role("heading", name=TITLE, exact=True)).to_be_visible()
    expect(phone.get_by_text("民警结合真实案例")).to_be_visible()
    assert photo_loaded(phone, "集中宣讲现场")
    assert serious_violations(phone) == []
    assert fits_the_width(phone)
    shoot(phone, "column-desk-preview-phone")
    # Publishing asks for the tick first.
    phone.get_by_role("button", name="发布").click()
    expect(phone.get_by_text("请先勾选确认，再发布文章。")).to_be_visible()
    phone.get_by_label("我已看过预览").check()
    phone.get_by_role("button", name="发布").click()
    expect(phone.get_by_text("文章已在反诈骗专栏公开发布。")).to_be_visible()
    shoot(phone, "column-desk-published-phone")

    # A visitor, in a browser of their own: no login.
    visitor = browser.new_context(viewport=PHONE, locale="zh-CN").new_page()
    visitor.goto(f"{live_server.url}/column/")
    expect(visitor.get_by_role("heading", name="罗山街道反诈骗工作动态")).to_be_visible()
    assert serious_violations(visitor) == []
    assert fits_the_width(visitor)
    shoot(visitor, "column-list-phone")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(visitor.get_by_text("提醒居民不轻信、不转账")).to_be_visible()
    expect(visitor.get_by_text("甲社区 · 2021年4月10日").first).to_be_visible()
    assert photo_loaded(visitor, "集中宣讲现场")
    assert visitor.get_by_role("img").count() == 1  # the one photo ticked
    assert serious_violations(visitor) == []
    assert fits_the_width(visitor)
    shoot(visitor, "column-post-phone")
    post_url = visitor.url
    photo_url = visitor.get_by_role("img", name="集中宣讲现场").get_attribute("src")

    # The same pages at a desk's width.
    desktop.goto(f"{live_server.url}/column/")
    assert serious_violations(desktop) == []
    shoot(desktop, "column-list-desktop")
    desktop.goto(post_url)
    assert photo_loaded(desktop, "集中宣讲现场")
    assert serious_violations(desktop) == []
    shoot(desktop, "column-post-desktop")

    # The office's desk at a desk's width too.
    log_in_to_desk(desktop, live_server, "office", PASSWORD)
    desktop.goto(f"{live_server.url}/admin/publishing/post/")
    expect(desktop.get_by_role("link", name=TITLE)).to_be_visible()
    assert serious_violations(desktop) == []
    shoot(desktop, "column-desk-list-desktop")
    desktop.get_by_role("link", name="预览、发布、导出").click()
    assert serious_violations(desktop) == []
    shoot(desktop, "column-desk-post-desktop")
    desktop.get_by_role("link", name="全部专栏文章").click()
    desktop.get_by_role("link", name="增加 专栏文章").click()
    assert serious_violations(desktop) == []
    shoot(desktop, "column-desk-new-desktop")

    # The WeChat export, from the phone.
    phone.get_by_role("link", name="导出到微信").click()
    expect(phone.get_by_role("button", name="复制到微信")).to_be_visible()
    assert serious_violations(phone) == []
    shoot(phone, "column-desk-wechat-phone")
    phone.go_back()

    # The office takes it down; the visitor's page and photo are gone.
    phone.get_by_label("我确认：现在将这篇文章从公开专栏撤下。").check()
    phone.get_by_role("button", name="撤下").click()
    expect(phone.get_by_text("文章已撤下")).to_be_visible()
    answer = visitor.goto(post_url)
    assert answer.status == 404
    expect(visitor.get_by_role("heading", name="文章不存在")).to_be_visible()
    assert serious_violations(visitor) == []
    shoot(visitor, "column-gone-phone")
    assert visitor.goto(f"{live_server.url}{photo_url}").status == 404
    visitor.goto(f"{live_server.url}/column/")
    expect(visitor.get_by_text("专栏暂无文章。")).to_be_visible()
    visitor.context.close()
