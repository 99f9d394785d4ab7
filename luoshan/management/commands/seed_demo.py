"""Demo data for trying the portal: never for a real deployment.

Run as often as you like: what exists is left as it is. The communities are
samples (their names say so); the six work points are the real ones and come
from a migration.

Every photo is a picture of its own, taken (EXIF) on its activity's day, and every
community's places carry its name, so the evidence checks (E2–E4, docs/rules.md)
flag nothing honest: only the few cases planted around April 2021 for the office
to find (PLANTED_MONTH and the constants beside it).

Each work point's head records its supervision visits (督导, with photos drawn the same
way) and work meetings (工作会) for every 2021 duty month (P1); one point missed a month
(MISSED_DUTY) and one entered a meeting after its month (ENTERED_LATE). The communities'
boards (B1), the units' activities (U1) and the reminders (R1) are in _demo_duties; the
phases' papers in _demo_phases, the column's posts (C2) in _demo_column, the police's
monthly fraud cases in _demo_cases.
"""

import base64
import io
import random
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image, ImageDraw, ImageFont, ImageOps

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
from duties.models import Supervision, SupervisionPhoto, WorkMeeting
from evidence import hashing
from evidence.checks import check_month
from luoshan.management.commands import _demo_cases, _demo_column, _demo_duties, _demo_phases
from reporting import periods
from reporting.models import Activity, ActivityForm, ActivityPhoto, Finding, MonthlyReport, Plan
from reporting.periods import LOCAL, Quarter
from reporting.photos import EXIF_DATETIME_ORIGINAL, EXIF_IFD, TIFF_DATETIME, check_photo
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

# The evidence planted for the office to find (E2–E4), by community number (1 to 13, in
# the order above) and month, each on the report's first activity and its first photo;
# every report named here is received (OUTCOMES), none a draft.
PLANTED_MONTH = 4
# E2: 12's April report (on time) holds a copy, byte for byte, of 2's April photo.
COPIED_PHOTO = (2, 12)
# E2: 9's May report holds its own April photo, halved and saved again at another JPEG
# quality by an app that stamps its own time (the May activity's), so only the picture tells.
RESIZED_PHOTO = 9
RESIZED_QUALITY = 60
# E3: 13's April photo was taken a year before its activity.
YEAR_OLD_PHOTO = 13
# E4: 11's April caption (submitted late) repeats 2's (on time) word for word.
COPIED_CAPTION = (2, 11)
PLANTED_CAPTION = "组织居民观看反诈宣传片，讲解冒充客服退款诈骗典型案例"
# An honest photo is drawn again until its perceptual hash is this many bits further from
# every photo drawn before than the checks' threshold (E2): none is taken for another.
DISTINCT_MARGIN_BITS = 6
PHOTO_SIZE = (960, 720)

# P1: the points' visits and meetings. One point held neither in one month (missing on
# the office's page); one entered a month's meeting only in the next (补录).
MISSED_DUTY = ("后林点", 6)
ENTERED_LATE = ("社店点", 8)
CHECKED = (
    "检查社区反诈宣传栏更新、活动台账和宣讲队伍名单",
    "抽查入户走访记录，查看反诈宣传资料发放情况",
    "检查社区反诈骗宣传活动照片和签到表",
)
PROBLEMS = ("", "个别社区宣传栏内容未更新", "部分活动签到表不全")
FOLLOW_UPS = ("", "已要求社区一周内更新并拍照报点", "已督促补齐签到表")
BANNERS = ((245, 245, 240), (200, 30, 40), (250, 220, 90), (30, 90, 170))


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
        self.distinct_bits = settings.EVIDENCE_PHOTO_MAX_DISTANCE + DISTINCT_MARGIN_BITS
        self.hashes = [
            hashing.as_number(phash)
            for model in (ActivityPhoto, SupervisionPhoto)
            for phash in model.objects.values_list("phash", flat=True)
        ]
        with transaction.atomic():
            plan, _created = Plan.objects.get_or_create(
                year=2021, defaults={"duty_months": [4, 5, 6, 7, 8, 9, 10], "deadline_day": 1}
            )
            office = self._user("zzb", "综治办 吴春生", Role.OFFICE)
            self.desk_codes = self._second_factor(office)
            self._user("leader", "领导小组 蔡北京", Role.LEADERSHIP)
            communities = self.communities = self._communities()
            for number, community in enumerate(communities, start=1):
                staff = self._user(
                    f"sq{number:02d}", f"{community.name}工作人员", Role.COMMUNITY_STAFF
                )
                Assignment.objects.get_or_create(user=staff, defaults={"community": community})
                self._team(number, community)
                for month in plan.months():
                    self._report(plan, month, number, community, staff, office)
            self._findings_and_inspections(plan, communities, office)
            self._point_duties(plan)
            self._other_duties(plan, communities)
            self._published(plan, office)
        # The checks run on commit of each submission; run here too, they also flag
        # what was seeded inside an outer transaction (the tests'). They keep what they
        # found before: running them again adds nothing.
        for month in plan.months():
            check_month(plan.year, month)
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
                community, _created = Community.objects.get_or_create(
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
        # E4: a community's places carry its name (its own hall every month is honest,
        # another's is not); a short caption ("集中宣讲现场") repeats everywhere and is
        # no evidence.
        short_name = community.name.removesuffix(SAMPLE).removesuffix("社区")
        for index in range(self.rng.choice((1, 1, 2, 3))):
            held_at = start + timedelta(days=3 + index * 8, hours=9 + index)
            form = self.rng.choice([f for f in ActivityForm if f != ActivityForm.OTHER])
            planted = index == 0 and month == PLANTED_MONTH and number in COPIED_CAPTION
            activity = Activity.objects.create(
                report=report,
                position=index + 1,
                held_at=held_at,
                place=short_name + self.rng.choice(PLACES),
                form=form,
                participants=self.rng.randint(15, 120),
                caption=PLANTED_CAPTION if planted else f"{form.value}现场",
            )
            for photo_number in range(self.rng.choice((1, 2))):
                checked = None
                if (index, photo_number) == (0, 0):
                    checked = self._planted_photo(plan, number, month, community, activity)
                if checked is None:
                    checked = self._distinct_photo(community, activity, photo_number)
                self.hashes.append(hashing.as_number(checked.phash))
                ActivityPhoto.create_from(activity, checked, by=staff)
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

    def _point_duties(self, plan):
        """P1: every point's visit and meeting of each duty month begun, recorded by its
        head the day it was held (one month missed, one entered late)."""
        rng = random.Random(f"duties-{plan.year}")
        for point in WorkPoint.objects.prefetch_related("communities"):
            head = get_user_model().objects.get(username=f"dz{point.position}")
            communities = list(point.communities.all())
            for month in plan.months():
                start = datetime(plan.year, month, 1, tzinfo=LOCAL)
                if start > timezone.now() or (point.name, month) == MISSED_DUTY:
                    continue
                visited = Supervision.objects.of_month(plan, month).filter(work_point=point)
                if communities and not visited.exists():
                    self._visit(plan, month, point, head, communities, rng)
                if not WorkMeeting.objects.of_month(plan, month).filter(work_point=point).exists():
                    self._meeting(plan, month, point, head, rng)

    def _other_duties(self, plan, communities):
        """B1 boards and screens, U1 units' activities, R1 reminders (_demo_duties)."""
        rng = random.Random(f"other-duties-{plan.year}")
        staff = {
            a.community_id: a.user
            for a in Assignment.objects.filter(community__in=communities).select_related("user")
        }

        def draw(seed, held, line, name, title):
            return check_photo(self._drawn(seed, held, line, name, held, title=title))

        def unit_account(unit):
            user = self._user(f"dw{unit.position:02d}", f"{unit.name}工作人员", Role.UNIT_STAFF)
            Assignment.objects.get_or_create(user=user, defaults={"unit": unit})
            return user

        _demo_duties.board_updates(plan, communities, lambda c: staff[c.pk], draw, rng)
        self.unit_count = len(_demo_duties.unit_activities(plan, unit_account, draw, rng))
        _demo_cases.fraud_cases(plan, communities, unit_account)
        _demo_duties.reminder_channels(plan)

    def _published(self, plan, office):
        """Issue 14: the phases' papers, the column's posts (_demo_phases, _demo_column)."""
        _demo_phases.phase_documents(plan)
        _demo_column.posts(plan, office)

    def _visit(self, plan, month, point, head, communities, rng):
        held_on = date(plan.year, month, rng.randint(6, 16))
        held = datetime.combine(held_on, time(9, 30), tzinfo=LOCAL)
        photos = []
        for number in range(rng.choice((1, 2, 2, 3))):
            line = f"{point.name}督导 {held:%Y-%m-%d}"
            name = f"DD_{point.position}_{month:02d}_{number}.jpg"
            seed = f"督导/{point.name}/{held_on}/{number}"
            checked = self._distinct(
                lambda attempt, seed=seed, line=line, name=name: self._drawn(
                    f"{seed}/{attempt}", held, line, name, held, title="反诈宣传督导"
                )
            )
            self.hashes.append(hashing.as_number(checked.phash))
            photos.append(checked)
        picked = rng.randint(0, 2)
        Supervision.record(
            work_point=point,
            plan=plan,
            month=month,
            by=head,
            submission=uuid.uuid4(),
            communities=communities[: rng.randint(1, len(communities))],
            photos=photos,
            at=held + timedelta(hours=8),
            held_on=held_on,
            checked=CHECKED[picked],
            problems=PROBLEMS[picked],
            follow_up=FOLLOW_UPS[picked],
        )

    def _meeting(self, plan, month, point, head, rng):
        held_on = date(plan.year, month, rng.randint(18, 26))
        recorded = datetime.combine(held_on, time(17, 30), tzinfo=LOCAL)
        if (point.name, month) == ENTERED_LATE:
            recorded = datetime(*periods.next_month(plan.year, month), 3, 9, tzinfo=LOCAL)
        cases = rng.randint(0, 4)
        WorkMeeting.record(
            work_point=point,
            plan=plan,
            month=month,
            by=head,
            submission=uuid.uuid4(),
            at=recorded,
            held_on=held_on,
            attendees=f"{point.name}点长、各社区书记、罗山派出所社区民警、网格员代表",
            case_analysis=(
                f"本月辖区发生电信网络诈骗{cases}起，以冒充客服退款和刷单返利为主，"
                "受害人多为老年人和在校学生。"
                if cases
                else "本月辖区未发生电信网络诈骗案件，继续保持宣传力度。"
            ),
            decisions="下月重点开展老年人入户宣传，组织各社区在人流密集处摆放展板。",
        )

    def _planted_photo(self, plan, number, month, community, activity):
        """The photo planted on this report's first activity (PLANTED), checked, or None."""
        name = _photo_name(activity, 0)
        if (number, month) == (COPIED_PHOTO[1], PLANTED_MONTH):
            source = self._first_photo(plan, COPIED_PHOTO[0], PLANTED_MONTH)
            if source:
                with source.original.open("rb") as original:
                    return check_photo(SimpleUploadedFile(name, original.read(), "image/jpeg"))
        if (number, month) == (RESIZED_PHOTO, PLANTED_MONTH + 1):
            source = self._first_photo(plan, RESIZED_PHOTO, PLANTED_MONTH)
            if source:
                return check_photo(_resaved(source, activity.held_at, name))
        if (number, month) == (YEAR_OLD_PHOTO, PLANTED_MONTH):
            year_before = activity.held_at.replace(year=activity.held_at.year - 1)
            return self._distinct_photo(community, activity, 0, taken_at=year_before)
        return None

    def _first_photo(self, plan, number, month):
        """The first photo of the first activity of community `number`'s report of `month`."""
        return (
            ActivityPhoto.objects.filter(
                activity__report__plan=plan,
                activity__report__community=self.communities[number - 1],
                activity__report__month=month,
                activity__position=1,
            )
            .order_by("pk")
            .first()
        )

    def _distinct_photo(self, community, activity, number, taken_at=None):
        """A photo drawn for `activity`, checked, and drawn again (another picture) while
        its perceptual hash is near one drawn before: no honest photo looks reused (E2)."""
        return self._distinct(
            lambda attempt: self._photo(community, activity, number, taken_at, attempt)
        )

    def _distinct(self, draw):
        """`draw(attempt)` checked, drawn again while it looks like a photo drawn before."""
        for attempt in range(100):
            checked = check_photo(draw(attempt))
            value = hashing.as_number(checked.phash)
            if all(hashing.distance(value, other) > self.distinct_bits for other in self.hashes):
                return checked
        raise CommandError("Could not draw a photo unlike every photo before it.")

    def _photo(self, community, activity, number, taken_at=None, attempt=0):
        """A photo drawn here, since the demo downloads nothing: a picture of its own
        (a gradient, shapes, people, a banner and grain, from a seed of the community,
        the activity and the photo), taken (EXIF) at `taken_at`, the activity's time unless
        given (E3: the checks read it in Asia/Shanghai)."""
        held = periods.local(activity.held_at)
        seed = f"{community.name}/{held:%Y-%m-%d %H}/{activity.position}/{number}/{attempt}"
        return self._drawn(
            seed,
            held,
            f"{community.name} {held:%Y-%m-%d}",
            _photo_name(activity, number),
            taken_at or activity.held_at,
        )

    def _drawn(self, seed, held, line, name, taken_at, title="防范电信网络诈骗"):
        """The picture of `seed`: `title` and `line` on its banner, taken at `taken_at`."""
        rng = random.Random(seed)
        width, height = PHOTO_SIZE

        def colour():
            return tuple(rng.randrange(256) for _channel in range(3))

        ramp = Image.linear_gradient("L").rotate(rng.uniform(0, 360), fillcolor=128)
        image = ImageOps.colorize(ramp.resize(PHOTO_SIZE), colour(), colour())
        draw = ImageDraw.Draw(image)
        for shape in range(rng.randint(14, 20)):
            big = shape < 6
            x = rng.randrange(-300 if big else -100, width)
            y = rng.randrange(-300 if big else -100, height)
            w, h = (
                (rng.randint(300, 800), rng.randint(250, 650))
                if big
                else (rng.randint(60, 320), rng.randint(60, 280))
            )
            kind = rng.choice(("ellipse", "rectangle", "polygon"))
            if kind == "polygon":
                corners = [(x + rng.randint(0, w), y + rng.randint(0, h)) for _c in range(5)]
                draw.polygon(corners, fill=colour())
            else:
                getattr(draw, kind)((x, y, x + w, y + h), fill=colour())
        for _person in range(rng.randint(3, 7)):
            x, y = rng.randint(0, width - 80), rng.randint(200, 560)
            draw.ellipse((x, y, x + 60, y + 60), fill=(250, 220, 190))
            draw.rectangle((x - 10, y + 60, x + 70, y + 160), fill=colour())
        left, top = rng.randint(10, 150), rng.randint(20, 470)
        banner = rng.choice(BANNERS)
        ink = (255, 255, 255) if banner == BANNERS[1] else (176, 20, 30)
        draw.rectangle(
            (left, top, left + rng.randint(560, 800), top + rng.randint(200, 240)), fill=banner
        )
        if self.font_path:
            font = ImageFont.truetype(self.font_path, 56)
            draw.text((left + 30, top + 30), title, font=font, fill=ink)
            draw.text((left + 30, top + 130), line, font=font.font_variant(size=40), fill=ink)
        else:
            font = ImageFont.load_default(size=48)
            draw.text((left + 30, top + 60), f"Anti-fraud {held:%Y-%m-%d}", font=font, fill=ink)
        grain = Image.frombytes("L", (width // 4, height // 4), rng.randbytes(width * height // 16))
        grain = grain.resize(PHOTO_SIZE)
        image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.12)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=80, exif=_exif(taken_at))
        return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")

    def _print_accounts(self, count):
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo accounts (demo only):"))
        self.stdout.write(f"  password for every account: {DEMO_PASSWORD}")
        self.stdout.write(f"  community staff: sq01 … sq{count:02d} (one per community)")
        self.stdout.write("  work-point heads: dz1 … dz6")
        self.stdout.write(
            f"  unit staff: dw01 … dw{self.unit_count:02d} (one per unit; dw04, 派出所, "
            "enters the fraud cases)"
        )
        self.stdout.write("  governance office: zzb")
        self.stdout.write(
            "    office desk second factor: add this key to an authenticator app "
            f"({base64.b32encode(DEMO_TOTP_KEY).decode()}), or use a recovery code once: "
            + " ".join(self.desk_codes)
        )
        self.stdout.write("  leadership: leader")
        self.stdout.write(
            _(
                "Evidence cases to find: April 2021 (and one photo of April reused in May "
                "2021). The office opens that month to see them flagged."
            )
        )
        self.stdout.write(
            _(
                "Work points' supervision and meetings: %(point)s missed %(year)d-%(month)02d; "
                "the office sees every point's months on the desk."
            )
            % {"point": MISSED_DUTY[0], "year": 2021, "month": MISSED_DUTY[1]}
        )
        self.stdout.write(_("The public anti-fraud column, without a login: /column/"))


def _photo_name(activity, number):
    return f"IMG_{activity.pk:04d}_{number}.jpg"


def _exif(taken_at):
    """EXIF as a phone writes it: the capture time (DateTimeOriginal) in local time."""
    stamp = f"{periods.local(taken_at):%Y:%m:%d %H:%M:%S}"
    exif = Image.Exif()
    exif[TIFF_DATETIME] = stamp
    exif.get_ifd(EXIF_IFD)[EXIF_DATETIME_ORIGINAL] = stamp
    return exif


def _resaved(photo, taken_at, name):
    """`photo` halved and saved again at another JPEG quality, as an editing app does,
    stamping its own time (`taken_at`)."""
    with photo.original.open("rb") as original:
        image = Image.open(io.BytesIO(original.read()))
        image.load()
    half = image.resize((image.width // 2, image.height // 2), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    half.save(out, "JPEG", quality=RESIZED_QUALITY, exif=_exif(taken_at))
    return SimpleUploadedFile(name, out.getvalue(), "image/jpeg")
