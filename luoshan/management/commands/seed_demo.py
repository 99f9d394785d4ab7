"""Demo data for trying the portal: never for a real deployment.

Run as often as you like: what exists is left as it is. The communities are
samples (their names say so); the six work points are the real ones and come
from a migration.
"""

import base64
import io
import random
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw, ImageFont

from communities.models import (
    Assignment,
    Community,
    MemberRole,
    PropagandaTeam,
    Role,
    TeamMember,
    WorkPoint,
)
from communities.second_factor import new_recovery_codes
from reporting import periods
from reporting.models import Activity, ActivityForm, ActivityPhoto, Finding, MonthlyReport, Plan
from reporting.periods import LOCAL, Quarter
from reporting.photos import check_photo
from scoring.gather import PlanScores
from scoring.models import Inspection, InspectionResult, OfficialWarning

DEMO_PASSWORD = "luoshan-demo-2021"  # noqa: S105 (demo only; the command refuses production)
# The demo office's authenticator key: printed by the command, demo only.
DEMO_TOTP_KEY = b"luoshan-demo-desk-01"
CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
# Sample communities, two or three per real work point.
COMMUNITIES = {
    "缺塘点": ("缺塘社区", "华洲社区"),
    "苏内点": ("苏内社区", "洋埭社区"),
    "后林点": ("后林社区", "沟头社区", "梧桐社区"),
    "社店点": ("社店社区", "上郭社区"),
    "梧垵点": ("梧垵社区", "林格社区"),
    "福埔点": ("福埔社区", "华泰社区"),
}
SAMPLE = "（示例）"
PLACES = (
    "社区党群服务中心",
    "社区文化广场",
    "辖区企业食堂",
    "沿街店铺",
    "老年活动中心",
    "小区物业中心",
)
# A realistic mix, spread over communities and months without a pattern to the eye.
OUTCOMES = (
    "accepted",
    "on_time",
    "accepted",
    "late",
    "on_time",
    "missing",
    "returned",
    "accepted",
    "on_time",
    "late",
    "draft",
    "accepted",
    "missing",
    "on_time",
)
OFFICE_REASONS = ("照片与活动内容不符，请补充现场照片", "参加人数与签到表不一致，请核实")


class Command(BaseCommand):
    help = "Load demo work points' communities, accounts, teams and 2021 reports (demo only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo only runs with DJANGO_DEBUG=1: demo accounts must never reach "
                "a real deployment."
            )
        self.rng = random.Random(2021)
        self.font_path = next((p for p in CJK_FONTS if Path(p).exists()), None)
        with transaction.atomic():
            plan, _ = Plan.objects.get_or_create(
                year=2021, defaults={"duty_months": [4, 5, 6, 7, 8, 9, 10], "deadline_day": 1}
            )
            office = self._user("zzb", "综治办 吴春生", Role.OFFICE)
            self.desk_codes = self._second_factor(office)
            self._user("leader", "领导小组 蔡北京", Role.LEADERSHIP)
            communities = self._communities()
            for number, community in enumerate(communities, start=1):
                staff = self._user(
                    f"sq{number:02d}", f"{community.name}工作人员", Role.COMMUNITY_STAFF
                )
                Assignment.objects.get_or_create(user=staff, defaults={"community": community})
                self._team(number, community)
                for month in plan.months():
                    self._report(plan, month, number, community, staff, office)
            self._findings_and_inspections(plan, communities, office)
        self._print_accounts(len(communities))

    def _second_factor(self, office):
        """The demo office's authenticator (a fixed key, printed) and fresh recovery codes,
        so that the tour opens the desk without a phone."""
        TOTPDevice.objects.get_or_create(
            user=office, name="demo", defaults={"key": DEMO_TOTP_KEY.hex(), "confirmed": True}
        )
        return new_recovery_codes(office)

    def _user(self, username, full_name, role):
        user, created = get_user_model().objects.get_or_create(
            username=username,
            # Only the office works in the admin.
            defaults={"first_name": full_name, "is_staff": role == Role.OFFICE},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        return user

    def _communities(self):
        communities = []
        for point in WorkPoint.objects.all():
            head = self._user(f"dz{point.position}", f"{point.name}点长", Role.WORK_POINT_HEAD)
            Assignment.objects.get_or_create(user=head, defaults={"work_point": point})
            for position, name in enumerate(COMMUNITIES.get(point.name, ()), start=1):
                community, _ = Community.objects.get_or_create(
                    name=name + SAMPLE, defaults={"work_point": point, "position": position}
                )
                communities.append(community)
        return communities

    def _team(self, number, community):
        """Most communities have a team; two have none, one was set up late (July)."""
        if number in (5, 11) or PropagandaTeam.objects.filter(community=community).exists():
            return
        established = date(2021, 7, 15) if number == 8 else date(2021, 3, 20 + number % 8)
        team = PropagandaTeam.objects.create(community=community, established_on=established)
        surname = "陈林蔡吴许黄"[number % 6]
        TeamMember.objects.bulk_create(
            [
                TeamMember(
                    team=team,
                    name=f"{surname}主任",
                    role=MemberRole.COMMITTEE,
                    phone="0595-8560" + f"{number:04d}",
                    is_group_contact=True,
                ),
                TeamMember(team=team, name=f"{surname}网格员", role=MemberRole.GRID_WORKER),
                TeamMember(team=team, name="罗山派出所民警", role=MemberRole.POLICE),
                TeamMember(team=team, name="平安志愿者", role=MemberRole.VOLUNTEER),
            ]
        )

    def _report(self, plan, month, number, community, staff, office):
        if MonthlyReport.objects.filter(community=community, plan=plan, month=month).exists():
            return
        outcome = OUTCOMES[(number * 5 + month) % len(OUTCOMES)]
        if outcome == "missing":
            return
        start = datetime(plan.year, month, 1, tzinfo=LOCAL)
        report = MonthlyReport.start(community.pk, plan, month, by=staff)
        for index in range(self.rng.choice((1, 1, 2, 3))):
            held_at = start + timedelta(days=3 + index * 8, hours=9 + index)
            form = self.rng.choice([f for f in ActivityForm if f != ActivityForm.OTHER])
            activity = Activity.objects.create(
                report=report,
                position=index + 1,
                held_at=held_at,
                place=self.rng.choice(PLACES),
                form=form,
                participants=self.rng.randint(15, 120),
                caption=f"{form.value}现场",
            )
            for photo_number in range(self.rng.choice((1, 2))):
                ActivityPhoto.create_from(
                    activity,
                    check_photo(self._photo(community, activity, photo_number)),
                    by=staff,
                )
        if outcome == "draft":
            return
        deadline = plan.late_from(month)
        if outcome == "late":
            submitted = deadline + timedelta(days=self.rng.randint(1, 9), hours=10)
        else:
            submitted = deadline - timedelta(hours=self.rng.randint(2, 80))
        report.submit(staff, truth_confirmed=True, at=submitted)
        if outcome == "accepted":
            report.accept(office, at=submitted + timedelta(days=3))
        elif outcome == "returned":
            report.return_(
                office, self.rng.choice(OFFICE_REASONS), at=submitted + timedelta(days=2)
            )

    def _findings_and_inspections(self, plan, communities, office):
        """A falsified report, a paper team, two inspections, and one warning issued (W3)."""
        if plan.inspections.exists():
            return
        report = (
            MonthlyReport.objects.filter(plan=plan, month=5)
            .received()
            .order_by("community__name")
            .first()
        )
        if report:
            report.mark_falsified(
                office, "照片与4月报表重复使用", at=report.first_submitted_at + timedelta(days=10)
            )
        team = PropagandaTeam.objects.filter(community=communities[2]).first()
        if team:
            Finding.record(
                by=office,
                reason="督查发现宣讲队伍未实际开展活动，仅有名单",
                team=team,
                at=datetime(2021, 9, 10, 10, tzinfo=LOCAL),
            )
        for held_on, title, hits in (
            (date(2021, 6, 20), "6月反诈宣传督查", (0, 2, 9)),
            (date(2021, 9, 15), "9月反诈宣传督查", (0, 8, 2, 12)),
        ):
            inspection = Inspection.objects.create(
                plan=plan,
                held_on=held_on,
                title=title,
                recorded_by=office,
                notes="街道综治办不定期督查（示例）",
            )
            InspectionResult.objects.bulk_create(
                InspectionResult(
                    inspection=inspection,
                    community=communities[i],
                    points=3 - n % 2,
                    note="宣传栏未按季度更新",
                )
                for n, i in enumerate(hits)
                if i < len(communities)
            )
        scores = PlanScores(plan, datetime(2021, 11, 5, tzinfo=LOCAL)).quarter_scores(
            Quarter(2021, 3)
        )
        due = [s for s in scores if s.warning_outstanding]
        if due:
            warning = OfficialWarning.issue(
                community=due[0].community,
                plan=plan,
                strikes="\n".join(due[0].strikes),
                by=office,
                on=date(2021, 11, 8),
                notes="累计3次排名前三，予以警告（示例）",
            )
            warning.record_interview(
                on=date(2021, 11, 12), interviewed="社区书记、主任；综治办主任约谈"
            )

    def _photo(self, community, activity, number):
        """A photo drawn here, since the demo downloads nothing."""
        hue = (number * 67 + activity.position * 41 + community.pk * 13) % 200
        image = Image.new("RGB", (960, 720), (30 + hue // 2, 80 + hue // 3, 140 + hue // 4))
        draw = ImageDraw.Draw(image)
        draw.rectangle((60, 420, 900, 660), fill=(245, 245, 240))
        for person in range(6):
            x = 120 + person * 130
            draw.ellipse((x, 300, x + 60, 360), fill=(250, 220, 190))
            draw.rectangle((x - 10, 360, x + 70, 440), fill=(200, 40 + person * 30, 60))
        if self.font_path:
            font = ImageFont.truetype(self.font_path, 56)
            draw.text((90, 460), "防范电信网络诈骗", font=font, fill=(176, 20, 30))
            draw.text(
                (90, 560),
                f"{community.name} {activity.held_at:%Y-%m-%d}",
                font=font.font_variant(size=40),
                fill=(30, 30, 30),
            )
        else:
            font = ImageFont.load_default(size=48)
            draw.text(
                (90, 480), f"Anti-fraud {activity.held_at:%Y-%m-%d}", font=font, fill=(176, 20, 30)
            )
        exif = Image.Exif()
        exif[306] = periods.local(activity.held_at).strftime("%Y:%m:%d %H:%M:%S")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, exif=exif)
        return SimpleUploadedFile(
            f"IMG_{activity.pk:04d}_{number}.jpg", out.getvalue(), "image/jpeg"
        )

    def _print_accounts(self, count):
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo accounts (demo only):"))
        self.stdout.write(f"  password for every account: {DEMO_PASSWORD}")
        self.stdout.write(f"  community staff: sq01 … sq{count:02d} (one per community)")
        self.stdout.write("  work-point heads: dz1 … dz6")
        self.stdout.write("  governance office: zzb")
        self.stdout.write(
            "    office desk second factor: add this key to an authenticator app "
            f"({base64.b32encode(DEMO_TOTP_KEY).decode()}), or use a recovery code once: "
            + " ".join(self.desk_codes)
        )
        self.stdout.write("  leadership: leader")
