"""The office works through a month's evidence flags (E1), on a phone and at a desk: from
the desk to the month's flags, to a flagged report with the reused photo beside the
earlier one, one flag dismissed with a reason, another taken as the reason of a
falsification finding, confirmed and recorded."""

import io
import re
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from evidence.models import Flag, FlagKind
from reporting.models import Activity, ActivityForm, ActivityPhoto, Finding, MonthlyReport
from reporting.periods import LOCAL
from reporting.photos import check_photo
from tests.browser.conftest import log_in_to_desk, serious_violations
from tests.conftest import PASSWORD, raise_flag

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON_LABEL = "原因（退回修改或认定弄虚作假时必填）"
CONFIRM_LABEL = "我确认认定为弄虚作假（该月扣分翻倍）"
DISMISS_LABEL = "排除理由（必填）"


def picture(background, shape, taken=None):
    """A photo a person tells apart from the others: a coloured scene with a shape, as a
    phone's JPEG (`taken`: its EXIF capture time, "2021:04:10 09:31:00")."""
    image = Image.new("RGB", (800, 600), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(90, 110, 90))
    draw.ellipse((260, 120, 540, 400), fill=shape)
    draw.rectangle((80, 300, 220, 460), fill=(240, 240, 240))
    exif = Image.Exif()
    if taken:
        exif[306] = taken
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88, exif=exif)
    return out.getvalue()


def file(plan, community, month, by, activities):
    """A report filed with `activities` [(caption, place, [photo bytes])], submitted."""
    report = MonthlyReport.start(community.pk, plan, month, by=by)
    for n, (caption, place, photos) in enumerate(activities, start=1):
        activity = Activity.objects.create(
            report=report,
            position=n,
            held_at=datetime(plan.year, month, 10 + n, 9, 30, tzinfo=LOCAL),
            place=place,
            form=ActivityForm.TALK,
            participants=35,
            caption=caption,
        )
        for k, data in enumerate(photos, start=1):
            upload = SimpleUploadedFile(f"活动{n}-{k}.jpg", data, "image/jpeg")
            ActivityPhoto.create_from(activity, check_photo(upload), by)
    report.submit(by, truth_confirmed=True, at=plan.late_from(month) - timedelta(days=1))
    return report


def flags_of_may(april, may):
    """The flags the checks raise on May, made here as evidence.checks makes them (the
    checks ran on submission too: their own flags go first, so the story is the same
    whatever they find)."""
    Flag.objects.all().delete()
    (earlier,) = ActivityPhoto.objects.filter(activity__report=april)
    reused, plain, late = ActivityPhoto.objects.filter(activity__report=may).order_by("pk")
    first, second = may.activities.order_by("position")
    flags = {
        "photo": raise_flag(
            FlagKind.PHOTO_REUSED, photo=reused, other_photo=earlier, identical=True, distance=0
        ),
        "caption": raise_flag(
            FlagKind.CAPTION_REUSED,
            activity=second,
            other_activity=april.activities.get(),
            same_caption=True,
        ),
        "date": raise_flag(FlagKind.PHOTO_DATE_MISMATCH, photo=late, days=-40),
        "no time": raise_flag(FlagKind.PHOTO_NO_METADATA, photo=plain),
    }
    return flags


def scroll_through(page):
    """Scroll to the foot and back, as a person reading it does: lazy thumbnails load."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for _step in range(0, height + 800, 600):
        page.mouse.wheel(0, 600)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")


def loaded(images):
    return images.evaluate_all("imgs => imgs.every(img => img.complete && img.naturalWidth > 0)")


def side_by_side(first, second):
    a, b = first.bounding_box(), second.bounding_box()
    return abs(a["y"] - b["y"]) < 2 and b["x"] >= a["x"] + a["width"]


def test_office_dismisses_one_flag_and_records_falsification_from_another(
    phone, desktop, live_server, plan, places, people, shoot
):
    from communities.permissions import grant_office_permissions

    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    same = picture((120, 170, 220), (230, 120, 40), taken="2021:04:11 09:31:00")
    slogan = "反诈骗宣传进社区，发放宣传册"
    april = file(plan, places["a"], 4, people["alice"], [(slogan, "甲社区广场", [same])])
    may = file(
        plan,
        places["b"],
        5,
        people["bob"],
        [
            ("五月反诈讲座", "乙社区会议室", [same, picture((60, 140, 90), (250, 220, 60))]),
            (
                slogan,
                "乙社区广场",
                [picture((200, 90, 90), (40, 60, 160), taken="2021:04:02 15:00:00")],
            ),
        ],
    )
    flags = flags_of_may(april, may)

    # On a phone: from the desk to the month's flags.
    page = phone
    log_in_to_desk(page, live_server, "office", PASSWORD)
    page.locator("#desk-links").get_by_role("link", name="疑点（按月）").click()
    expect(page).to_have_url(re.compile(r"/admin/reporting/monthlyreport/evidence/2021-05/$"))
    expect(page.locator("#flag-counts h2")).to_have_text("共 4 个疑点，4 个未排除")
    scroll_through(page)
    assert loaded(page.locator("#kind-photo_reused img"))
    assert serious_violations(page) == []
    shoot(page, "evidence-story-month-375")

    # The flagged report, at the reused photo: this one beside the earlier one.
    card = page.locator(f"#kind-photo_reused #flag-{flags['photo'].pk}")
    card.get_by_role("link", name=str(may)).click()
    expect(page.locator("#report-header h2")).to_have_text(str(may))
    card = page.locator(f"#flag-{flags['photo'].pk}")
    expect(card).to_be_in_viewport()
    this, earlier = card.locator("figure").all()
    expect(this).to_contain_text("乙社区 · 2021-05")
    expect(earlier).to_contain_text("甲社区 · 2021-04")
    expect(earlier).to_contain_text("拍摄时间 2021-04-11 09:31")
    assert side_by_side(this, earlier)
    page.wait_for_load_state("networkidle")
    assert loaded(card.locator("img"))
    expect(card).to_contain_text("两张照片是同一个文件")
    scroll_through(page)
    assert serious_violations(page) == []
    shoot(page, "evidence-story-review-375")

    # The repeated caption is the community's standing slogan: dismissed, with the reason.
    caption = page.locator(f"#flag-{flags['caption'].pk}")
    caption.get_by_text("排除此疑点").click()
    caption.get_by_label(DISMISS_LABEL).fill("宣传册标语每月相同，属正常")
    caption.get_by_role("button", name="确认排除").click()
    dismissed = "已排除疑点：图片说明或地点重复（活动 2）。"
    expect(page.locator(".messagelist")).to_contain_text(dismissed)
    caption = page.locator(f"#flag-{flags['caption'].pk}")
    expect(caption).to_contain_text("已排除")
    expect(caption).to_contain_text("理由：宣传册标语每月相同，属正常")
    expect(caption.get_by_role("button", name="确认排除")).to_have_count(0)
    flags["caption"].refresh_from_db()
    assert flags["caption"].dismissed_by == people["office"]
    assert serious_violations(page) == []
    shoot(page, "evidence-story-dismissed-375")

    # The reused photo: the finding opened with its evidence, confirmed by hand.
    page.locator(f"#flag-{flags['photo'].pk}").get_by_role("link", name="据此认定弄虚作假").click()
    reason = page.get_by_label(REASON_LABEL)
    expect(reason).to_have_value(re.compile(r"^照片重复使用：本报表活动1的照片.*甲社区 2021年04月"))
    confirm = page.get_by_label(CONFIRM_LABEL)
    expect(confirm).to_be_focused()
    expect(confirm).not_to_be_checked()
    expect(confirm).to_be_in_viewport()
    expect(page.get_by_role("button", name="认定弄虚作假")).to_be_in_viewport()
    expect(page.locator("#review-from-flag")).to_contain_text("下面的原因取自疑点“照片重复使用”")
    assert not Finding.objects.exists()  # nothing recorded by opening it
    assert serious_violations(page) == []
    shoot(page, "evidence-story-finding-375")
    confirm.check()
    page.get_by_role("button", name="认定弄虚作假").click()
    expect(page.locator(".messagelist")).to_contain_text(f"认定弄虚作假：{may}。")
    finding = Finding.objects.active().get(report=may)
    assert "甲社区 2021年04月" in finding.reason and finding.recorded_by == people["office"]

    # At a desk: April's flags show its photo reused in May; May's, the state of each.
    page = desktop
    log_in_to_desk(page, live_server, "office", PASSWORD)
    page.locator("#desk-links").get_by_role("link", name="疑点（按月）").click()
    page.get_by_label("月份").select_option("2021-05")
    page.get_by_role("button", name="显示").click()
    # E1: one dismissed, the others answered by the finding: none waits for the office.
    expect(page.locator("#flag-counts h2")).to_have_text("共 4 个疑点，0 个未排除")
    expect(page.locator(f"#flag-{flags['date'].pk}")).to_contain_text("已认定弄虚作假")
    scroll_through(page)
    assert serious_violations(page) == []
    shoot(page, "evidence-story-month-1280")
    page.get_by_label("月份").select_option("2021-04")
    page.get_by_role("button", name="显示").click()
    later = page.locator("#reused-later")
    expect(later.locator(f"#flag-{flags['photo'].pk}")).to_be_visible()
    expect(later).to_contain_text(str(may))
    assert serious_violations(page) == []
    shoot(page, "evidence-story-april-1280")
    later.get_by_role("link", name=str(may)).first.click()
    expect(page.locator(f"#flag-{flags['caption'].pk}")).to_contain_text("已排除")
    scroll_through(page)
    assert serious_violations(page) == []
    shoot(page, "evidence-story-review-1280")
