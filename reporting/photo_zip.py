"""A month's photos as one ZIP, streamed: <工作点>/<社区>/<YYYY-MM>/<序号>-<说明>.jpg.

Only reports the office has received: a draft's photos stay with the community."""

import re

from zipstream import ZipStream

from reporting.models import Activity, ActivityPhoto, MonthlyReport


def safe(name):
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip(" .")[:60] or "_"


def month_photos_zip(plan, month):
    received = MonthlyReport.objects.filter(plan=plan, month=month).received()
    photos = (
        ActivityPhoto.objects.filter(activity__report__in=received)
        .select_related("activity__report__community__work_point")
        .order_by("activity__report__community", "activity__position", "activity", "pk")
    )
    # 序号 as on the official form: the activity's place in its report.
    numbers, counters = {}, {}
    for activity_id, report_id in (
        Activity.objects.filter(report__plan=plan, report__month=month)
        .order_by("position", "pk")
        .values_list("pk", "report_id")
    ):
        counters[report_id] = counters.get(report_id, 0) + 1
        numbers[activity_id] = counters[report_id]
    stream = ZipStream(sized=False)
    seen = set()
    for photo in photos.iterator(chunk_size=500):
        activity = photo.activity
        community = activity.report.community
        folder = f"{safe(community.work_point.name)}/{safe(community.name)}/{plan.year}-{month:02d}"
        stem = f"{folder}/{numbers[activity.pk]}-{safe(activity.caption)}"
        name, n = f"{stem}.jpg", 2
        while name in seen:
            name, n = f"{stem}-{n}.jpg", n + 1
        seen.add(name)
        stream.add_path(photo.display.path, name)
    return stream
