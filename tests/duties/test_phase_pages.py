"""The phases' papers on the portal (duties/phases.py): a community's and a unit's page of
its 实施方案 and 总结, the upload (a second one is a new version, the earlier kept), the
download; private to its own staff, the office and the leadership."""

import re
import uuid
from datetime import datetime
from urllib.parse import quote

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Community, Unit
from duties.documents import DOCUMENT_MAX_BYTES
from duties.models import Phase, PhaseDocument
from reporting.periods import LOCAL
from tests.duties.phase_files import (
    docx_bytes,
    hand_in_file,
    old_word_bytes,
    pdf_bytes,
    pdf_upload,
)

pytestmark = pytest.mark.django_db

IN_MARCH = datetime(2021, 3, 15, 10, 0, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def in_march():
    with time_machine.travel(IN_MARCH, tick=False):
        yield


@pytest.fixture
def everyone(people, unit_staff):
    return {**people, **unit_staff}


def as_(client, everyone, who):
    if who != "anonymous":
        client.force_login(everyone[who])
    return client


def owner_of(places, units, owner):
    return {"a": places["a"], "edu": units["edu"]}[owner]


def page_url(owner, year=None):
    kind = "units" if owner._meta.model_name == "unit" else "communities"
    url = reverse("phases:owner", args=[kind, owner.pk])
    return f"{url}?year={year}" if year else url


def upload_url(owner, phase="plan", year=2021):
    kind = "units" if owner._meta.model_name == "unit" else "communities"
    return reverse("phases:upload", args=[kind, owner.pk, year, phase])


def sent(file, phase="plan", submission=None):
    return {f"{phase}-file": file, f"{phase}-submission": str(submission or uuid.uuid4())}


# Who reads a community's (甲社区, alice's) or a unit's (教育办, edu's) page and papers: its own
# staff, the office, the leadership; another community's or unit's staff learn nothing
# (404); every other role is refused (403); anonymous goes to log in.
READ = {
    "a": {
        **dict.fromkeys(("alice", "office", "leader"), 200),
        "bob": 404,
        **dict.fromkeys(("head", "other_head", "edu", "nobody"), 403),
        "anonymous": 302,
    },
    "edu": {
        **dict.fromkeys(("edu", "office", "leader"), 200),
        "telecom": 404,
        **dict.fromkeys(("alice", "head", "nobody"), 403),
        "anonymous": 302,
    },
}
# Who hands a paper in: only its own staff (the office and the leadership read only).
HAND_IN = {owner: {**table, "office": 403, "leader": 403} for owner, table in READ.items()}
CASES = [(owner, who, status) for owner, table in READ.items() for who, status in table.items()]
HAND_IN_CASES = [
    (owner, who, status) for owner, table in HAND_IN.items() for who, status in table.items()
]


@pytest.mark.parametrize(("owner", "who", "status"), CASES)
def test_a_page_is_read_by_its_own_staff_the_office_and_the_leadership(
    client, plan, places, units, everyone, owner, who, status
):
    owner = owner_of(places, units, owner)
    response = as_(client, everyone, who).get(page_url(owner))
    assert response.status_code == status
    if status == 302:
        assert response.url.startswith(reverse("login"))
    if status == 200:
        assert owner.name in response.text
        assert "2021-03-31" in response.text and "2021-12-31" in response.text


@pytest.mark.parametrize(("owner", "who", "status"), CASES)
def test_a_paper_is_downloaded_by_whoever_reads_its_page(
    client, plan, places, units, everyone, owner, who, status
):
    owner = owner_of(places, units, owner)
    staff = everyone["alice" if owner == places["a"] else "edu"]
    document = hand_in_file(plan, Phase.PLAN, owner, staff)
    response = as_(client, everyone, who).get(reverse("phases:download", args=[document.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == document.file.open("rb").read()


@pytest.mark.parametrize(("owner", "who", "status"), HAND_IN_CASES)
def test_only_its_own_staff_hand_a_paper_in(
    client, plan, places, units, everyone, owner, who, status
):
    owner = owner_of(places, units, owner)
    response = as_(client, everyone, who).post(upload_url(owner), sent(pdf_upload()))
    expected = 302 if status == 200 else status
    assert response.status_code == expected
    handed_in = PhaseDocument.objects.filter(plan=plan, phase=Phase.PLAN)
    if status == 200:
        assert response.url == page_url(owner, 2021)
        assert handed_in.get().recorded_by == everyone[who]
    else:
        assert not handed_in.exists()
        if who == "anonymous":
            assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "goes_to"),
    [("alice", "communities"), ("edu", "units")],
)
def test_staff_are_taken_from_the_phases_home_to_their_own_page(
    client, plan, places, units, everyone, who, goes_to
):
    owner = places["a"] if who == "alice" else units["edu"]
    response = as_(client, everyone, who).get(reverse("phases:home"))
    assert response.status_code == 302
    assert response.url == reverse("phases:owner", args=[goes_to, owner.pk])


@pytest.mark.parametrize(
    ("who", "status"),
    [("office", 200), ("leader", 200), ("head", 403), ("nobody", 403), ("anonymous", 302)],
)
def test_the_office_and_the_leadership_read_who_has_not_handed_in(
    client, plan, places, units, everyone, who, status
):
    hand_in_file(plan, Phase.PLAN, places["a"], everyone["alice"])
    response = as_(client, everyone, who).get(reverse("phases:home"))
    assert response.status_code == status
    if status == 200:
        # Every community and unit but 甲社区's plan has not: said in red words, counted.
        communities, units = Community.objects.count(), Unit.objects.count()
        assert response.text.count("未上传</strong>") == 2 * (communities + units) - 1
        assert f"未上传：{communities - 1}个社区，{units}个单位" in response.text
        assert f"未上传：{communities}个社区，{units}个单位" in response.text  # 总结
        assert "甲社区实施方案.docx" in response.text


# --- Forged ids: a page, an upload or a download of nothing is 404, never a 500.


@pytest.mark.parametrize(
    "url",
    [
        lambda places: reverse("phases:owner", args=["communities", 99999]),
        lambda places: reverse("phases:owner", args=["people", places["a"].pk]),
        lambda places: reverse("phases:upload", args=["communities", places["a"].pk, 2021, "x"]),
        lambda places: reverse("phases:upload", args=["communities", places["a"].pk, 1999, "plan"]),
        lambda places: reverse("phases:upload", args=["units", 99999, 2021, "plan"]),
        lambda places: reverse("phases:download", args=[99999]),
    ],
)
def test_a_forged_id_is_404(client, plan, places, units, everyone, url):
    as_(client, everyone, "alice")
    target = url(places)
    method = client.post if "/2021/" in target or "/1999/" in target else client.get
    response = method(target, sent(pdf_upload(), phase="x" if target.endswith("/x/") else "plan"))
    assert response.status_code == 404
    assert not PhaseDocument.objects.exists()


def test_another_communitys_paper_is_404_to_its_neighbours_staff(client, plan, places, everyone):
    """bob (乙社区) asks for alice's paper by its number: nothing is said of it."""
    document = hand_in_file(plan, Phase.PLAN, places["a"], everyone["alice"])
    client.force_login(everyone["bob"])
    assert client.get(reverse("phases:download", args=[document.pk])).status_code == 404


# --- Handing in: the content decides, a second upload is a new version, twice is once.


def test_a_paper_is_stored_under_a_random_path_and_shown_by_its_own_name(
    client, plan, places, everyone
):
    client.force_login(everyone["alice"])
    response = client.post(upload_url(places["a"]), sent(pdf_upload("甲社区反诈实施方案.pdf")))
    document = PhaseDocument.objects.get()
    assert document.community == places["a"] and document.unit is None
    assert document.original_name == "甲社区反诈实施方案.pdf"
    assert document.content_type == "application/pdf"
    assert document.file.name.startswith("documents/2021/03/")
    assert "甲社区" not in document.file.name
    page = client.get(response.url)
    assert "实施方案已上传。" in page.text
    assert "甲社区反诈实施方案.pdf" in page.text


REFUSALS = [
    # (the file chosen, words of the message)
    (SimpleUploadedFile("方案.doc", old_word_bytes()), "请另存为 .docx 或 PDF"),
    (SimpleUploadedFile("方案.wps", old_word_bytes("WpsContent")), "请另存为 .docx 或 PDF"),
    (SimpleUploadedFile("方案.pdf", pdf_bytes(password="1")), "设有密码"),
    (SimpleUploadedFile("方案.docx", b""), "所选文件为空"),
    (None, "请选择要上传的文档。"),
]


@pytest.mark.parametrize(("file", "words"), REFUSALS)
def test_a_refused_file_is_said_on_the_page_and_nothing_is_kept(
    client, plan, places, everyone, settings, file, words
):
    client.force_login(everyone["alice"])
    data = sent(file)
    if file is None:
        del data["plan-file"]
    response = client.post(upload_url(places["a"]), data)
    assert response.status_code == 200
    assert words in response.text
    assert 'id="error-summary"' in response.text
    assert not PhaseDocument.objects.exists()
    media = settings.STORAGES["default"]["OPTIONS"]["location"]
    assert not list(media.glob("documents/**/*.*"))


def test_a_file_over_the_limit_is_refused_with_a_message_not_a_500(client, plan, places, everyone):
    client.force_login(everyone["alice"])
    big = SimpleUploadedFile("大.pdf", pdf_bytes() + b"\n" * DOCUMENT_MAX_BYTES)
    response = client.post(upload_url(places["a"]), sent(big))
    assert response.status_code == 200
    assert "超过 20 MB" in response.text
    assert not PhaseDocument.objects.exists()


def test_a_form_sent_twice_records_once(client, plan, places, everyone, settings):
    client.force_login(everyone["alice"])
    key = uuid.uuid4()
    client.post(upload_url(places["a"]), sent(pdf_upload(), submission=key))
    again = client.post(upload_url(places["a"]), sent(pdf_upload(), submission=key), follow=True)
    assert PhaseDocument.objects.count() == 1
    assert "没有重复保存" in again.text
    media = settings.STORAGES["default"]["OPTIONS"]["location"]
    assert len(list(media.glob("documents/**/*.pdf"))) == 1  # the second's file not kept


def test_a_second_upload_is_a_new_version_and_the_first_is_kept(client, plan, places, everyone):
    client.force_login(everyone["alice"])
    client.post(upload_url(places["a"]), sent(pdf_upload("初稿.pdf")))
    second = client.post(
        upload_url(places["a"]), sent(SimpleUploadedFile("定稿.docx", docx_bytes())), follow=True
    )
    assert "已上传新版本的实施方案" in second.text
    first, newest = PhaseDocument.objects.order_by("pk")
    assert (first.original_name, newest.original_name) == ("初稿.pdf", "定稿.docx")
    assert first.file.storage.exists(first.file.name)  # kept, and still downloadable
    page = second.text
    current = page.index("当前版本")
    assert page.index("定稿.docx") > current
    assert page.index("此前的版本（1）") < page.index("初稿.pdf")
    assert client.get(reverse("phases:download", args=[first.pk])).status_code == 200


def test_each_phase_keeps_its_own_papers(client, plan, places, everyone):
    client.force_login(everyone["alice"])
    client.post(upload_url(places["a"], "summary"), sent(pdf_upload("总结.pdf"), phase="summary"))
    document = PhaseDocument.objects.get()
    assert document.phase == Phase.SUMMARY
    page = client.get(page_url(places["a"])).text
    assert "工作总结已上传。" in page
    plan_box, summary_box = page.split('id="phase-summary"')
    assert "总结.pdf" in summary_box and "总结.pdf" not in plan_box


def test_a_get_of_the_upload_goes_back_to_the_page(client, plan, places, everyone):
    client.force_login(everyone["alice"])
    response = client.get(upload_url(places["a"]))
    assert response.status_code == 302 and response.url == page_url(places["a"], 2021)


def test_a_paper_past_its_day_is_marked_late(client, plan, places, everyone):
    with time_machine.travel(datetime(2021, 4, 2, 9, 0, tzinfo=LOCAL), tick=False):
        hand_in_file(plan, Phase.PLAN, places["a"], everyone["alice"])
        client.force_login(everyone["alice"])
        page = client.get(page_url(places["a"])).text
    assert "逾期上传" in page


def test_a_missing_paper_past_its_day_is_said(client, plan, places, everyone):
    with time_machine.travel(datetime(2021, 4, 2, 9, 0, tzinfo=LOCAL), tick=False):
        client.force_login(everyone["alice"])
        page = client.get(page_url(places["a"])).text
    assert page.count("已过期限，尚未上传") == 1  # the plan's; the summary's day is to come


# --- The download: an attachment under its name, never sniffed, kept privately.


def test_a_download_is_an_attachment_named_in_chinese(client, plan, places, everyone):
    document = hand_in_file(
        plan, Phase.PLAN, places["a"], everyone["alice"], file=pdf_upload("甲社区实施方案.pdf")
    )
    client.force_login(everyone["office"])
    response = client.get(reverse("phases:download", args=[document.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''" + quote("甲社区实施方案.pdf")
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize("handed_in", [False, True])
def test_the_staff_home_says_whether_the_years_papers_are_handed_in(
    client, plan, places, people, handed_in
):
    """A community's home page says, for each phase, uploaded or by when; and links to the
    page where they are uploaded. Nobody else's home shows it."""
    if handed_in:
        hand_in_file(plan, Phase.PLAN, places["a"], people["alice"])
    client.force_login(people["alice"])
    html = client.get(reverse("home"), {"year": 2021}).content.decode()
    page = re.sub(r"<[^>]+>", "", html)
    plan_line = "实施方案：已上传" if handed_in else "实施方案：未上传（3月31日前）"
    assert plan_line in page
    assert "工作总结：未上传（12月31日前）" in page
    assert reverse("phases:owner", args=["communities", places["a"].pk]) in html
    client.force_login(people["head"])
    assert "上传或查看实施方案与总结" not in client.get(reverse("home")).content.decode()
