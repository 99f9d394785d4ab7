"""The desk's month page on a phone (375 px): in the list of who has not reported, a
community's name, a status and a phone number each stay on one line, however long
(华洲社区（示例） broke as 华洲社 / 区（示 / 例）, a landline as 0595- / 85600002); the table
scrolls in its own box, never the page; each number is a tel: link to tap."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from communities.models import PropagandaTeam, TeamMember
from communities.permissions import grant_office_permissions
from tests.browser.conftest import DESKTOP, PHONE, log_in_to_desk, serious_violations
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each text of the list's cells as the screen shows it, " / " where it goes on to the next
# line (found from each character's place); a contact's name and number are two texts.
TEXTS_AS_SHOWN = r"""() => {
  const shown = element => {
    let text = "", top = null;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (!node.data[i].trim() || !box.height) continue;
        if (top !== null && Math.abs(box.top - top) > box.height / 2) text += " / ";
        top = box.top;
        text += node.data[i];
      }
    }
    return text;
  };
  const cells = document.querySelectorAll(
    ".desk-month-table th, .desk-month-table td:not([colspan])");
  return [...cells].flatMap(cell => cell.children.length ? [...cell.children] : [cell])
    .map(shown).filter(text => text);
}"""

CONTACTS = {"b": ("林主任", "0595-85600002"), "c": ("陈主任", "138 0000 0000")}


def test_names_and_numbers_stay_whole_and_numbers_can_be_called(
    browser, live_server, plan, places, people, shoot
):
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    for key, name in (
        ("a", "华洲社区（示例）"),
        ("b", "洋埭社区（示例）"),
        ("c", "华泰社区（示例）"),
    ):
        places[key].name = name
        places[key].save()
    for key, (name, phone) in CONTACTS.items():
        team = PropagandaTeam.objects.create(community=places[key], established_on="2021-03-01")
        TeamMember.objects.create(
            team=team, name=name, role="网格员", phone=phone, is_group_contact=True
        )
    context = browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=1)
    page = context.new_page()
    log_in_to_desk(page, live_server, "office", PASSWORD)
    # The month as the portal itself writes it.
    query = urlencode({"month": "2021年04月"})
    page.goto(f"{live_server.url}{reverse('admin:reporting_monthlyreport_month')}?{query}")
    expect(page.locator(".desk-month-table tbody tr")).to_have_count(3)
    shoot(page, "admin-month-long-names-375")

    texts = page.evaluate(TEXTS_AS_SHOWN)
    whole = {text.replace(" / ", "") for text in texts}
    assert {"华洲社区（示例）", "林主任", "0595-85600002", "13800000000"} <= whole, texts
    # A line may end only where a word does: before the name's （示例）.
    broken = [
        text for text in texts if any(not part.startswith("（") for part in text.split(" / ")[1:])
    ]
    assert broken == [], texts
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    for _name, phone in CONTACTS.values():
        call = page.get_by_role("link", name=phone)
        expect(call).to_have_attribute("href", "tel:" + phone.replace(" ", ""))
    assert serious_violations(page) == []
    page.set_viewport_size(DESKTOP)  # and at a desk, for a person to look at
    shoot(page, "admin-month-long-names-1280")
    context.close()
