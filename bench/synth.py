"""A synthetic city or province, built through the project's models, for the bench.

`ensure(n)` fills an empty database with n communities over the six work points,
for the 2021 plan (April to October): most communities have a team; each has a
report for each of the seven months, on time, late, left as a draft or missing in
a fixed pattern, three activities a report with one photo each (the rows point at
one small set of shared files), a falsified report in a hundred, and two
inspections. A few accounts of each role (with unusable passwords: the bench logs
in with force_login) are there for the pages. Rows are written with bulk_create,
so a province of 20,000 communities takes about a minute on SQLite.

    python -m bench.synth --communities 400     builds it (the other scripts do too)
"""

from datetime import date, datetime, timedelta

MONTHS = (4, 5, 6, 7, 8, 9, 10)
ACTIVITIES = 3
BATCH = 5000


def ensure(communities):
    from reporting.models import Plan

    if not Plan.objects.filter(year=2021).exists():
        build(communities)


def pattern(n, month):
    """What community n did for `month`: on time, late, draft or missing."""
    return {0: "missing", 1: "late", 2: "draft"}.get((n * 7 + month) % 10, "on time")


def build(size):
    from django.contrib.auth.models import Group, User
    from django.db import transaction

    from communities.models import Assignment, Community, PropagandaTeam, Role, WorkPoint
    from reporting.models import (
        Activity,
        ActivityPhoto,
        Finding,
        MonthlyReport,
        Plan,
        ReportState,
    )
    from reporting.periods import LOCAL
    from scoring.models import Inspection, InspectionResult

    with transaction.atomic():
        plan = Plan.objects.create(year=2021, duty_months=list(MONTHS), deadline_day=1)
        points = list(WorkPoint.objects.order_by("position"))
        places = Community.objects.bulk_create(
            (
                Community(name=f"社区{n:05d}", work_point=points[n % len(points)], position=n)
                for n in range(size)
            ),
            batch_size=BATCH,
        )
        if not places[0].pk:  # a database that does not return ids from bulk_create
            places = list(Community.objects.order_by("position"))
        users = {}
        for username, role, assigned in (
            ("staff", Role.COMMUNITY_STAFF, {"community": places[0]}),
            ("head", Role.WORK_POINT_HEAD, {"work_point": points[0]}),
            ("office", Role.OFFICE, {}),
            ("leader", Role.LEADERSHIP, {}),
        ):
            user = User(username=username, first_name=username, is_staff=role == Role.OFFICE)
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get_or_create(name=role)[0])
            if assigned:
                Assignment.objects.create(user=user, **assigned)
            users[username] = user
        PropagandaTeam.objects.bulk_create(
            (
                PropagandaTeam(community=c, established_on=date(2021, 3, 20))
                for n, c in enumerate(places)
                if n % 10 != 3
            ),
            batch_size=BATCH,
        )
        reports = []
        for n, community in enumerate(places):
            for month in MONTHS:
                done = pattern(n, month)
                if done == "missing":
                    continue
                at = plan.late_from(month) + (
                    timedelta(days=3) if done == "late" else -timedelta(hours=5)
                )
                submitted = done != "draft"
                reports.append(
                    MonthlyReport(
                        community=community,
                        plan=plan,
                        month=month,
                        state=ReportState.SUBMITTED if submitted else ReportState.DRAFT,
                        first_submitted_at=at if submitted else None,
                        submitted_at=at if submitted else None,
                        submitted_by=users["staff"] if submitted else None,
                    )
                )
        reports = MonthlyReport.objects.bulk_create(reports, batch_size=BATCH)
        if not reports or not reports[0].pk:
            reports = list(MonthlyReport.objects.order_by("pk"))
        activities = Activity.objects.bulk_create(
            (
                Activity(
                    report=report,
                    position=k + 1,
                    held_at=datetime(2021, report.month, 5 + 7 * k, 9, 30, tzinfo=LOCAL),
                    place="社区文化广场",
                    form="集中宣讲",
                    participants=30 + k,
                    caption="集中宣讲反诈知识，发放宣传资料",
                )
                for report in reports
                for k in range(ACTIVITIES)
            ),
            batch_size=BATCH,
        )
        if not activities[0].pk:
            activities = list(Activity.objects.order_by("pk"))
        shared = shared_photo(users["staff"])
        ActivityPhoto.objects.bulk_create(
            (ActivityPhoto(activity=a, **shared) for a in activities), batch_size=BATCH
        )
        Finding.objects.bulk_create(
            Finding(
                report=report,
                reason="照片与上月重复",
                recorded_by=users["office"],
                recorded_at=report.first_submitted_at + timedelta(days=5),
            )
            for i, report in enumerate(reports)
            if report.first_submitted_at and i % 100 == 7
        )
        for day, title in ((date(2021, 6, 15), "六月督查"), (date(2021, 9, 15), "九月督查")):
            inspection = Inspection.objects.create(
                plan=plan, held_on=day, title=title, recorded_by=users["office"]
            )
            InspectionResult.objects.bulk_create(
                (
                    InspectionResult(inspection=inspection, community=c, points=1 + n % 3)
                    for n, c in enumerate(places)
                    if n % 10 == day.month % 10
                ),
                batch_size=BATCH,
            )


def shared_photo(by):
    """The fields of one small real photo, stored once, for every photo row to share."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from reporting.models import StagedPhoto
    from reporting.photos import check_photo

    out = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 90, 160)).save(out, "JPEG")
    checked = check_photo(SimpleUploadedFile("bench.jpg", out.getvalue(), "image/jpeg"))
    holder = StagedPhoto()
    holder.store(checked, by)
    return {
        name: getattr(holder, name)
        for name in (
            "original",
            "display",
            "thumbnail",
            "content_type",
            "original_name",
            "size",
            "width",
            "height",
            "sha256",
            "phash",
            "taken_at",
            "uploaded_by",
        )
    }


if __name__ == "__main__":
    from bench import common

    args = common.start("Build the synthetic city (or reuse it) and say its size.")
    from reporting.models import Activity, MonthlyReport

    print(
        f"{args.communities} communities, {MonthlyReport.objects.count()} reports, "
        f"{Activity.objects.count()} activities"
    )
