"""Writing a month of fraud cases (duties.models.FraudCases): the one way the form and the
Excel import both write, all or nothing.

`record_month` takes every community's figures for one month of a year, with what the page
(or the import's preview) showed for each, and under the month's rows' lock:

- refuses the whole month (`StaleFigures`, nothing written) when a community's figures were
  changed by someone else after the page was built, and the page would overwrite them with
  something else: the person sees what is there now and decides;
- writes only what changed: a new row for a community not yet entered, the new figures and
  who and when on a corrected one (simple-history keeps the earlier version); figures sent
  again as they are (a double tap, a confirmed import confirmed again) change nothing.

It is a function here rather than a FraudCases method because the model was committed
before this module (duties/models.py is not this part's to change).
"""

from dataclasses import dataclass, field

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from duties.cases_rules import Figures
from duties.models import FraudCases

SEEN_SALT = "duties.cases.seen"
SEEN_MAX_AGE = 7 * 24 * 3600  # a page left open a week is built on figures too old


def figures_of(row):
    return Figures(row.cases, row.losses)


def recorded(year, month):
    """The month's rows by community id, with who recorded them."""
    return {
        row.community_id: row
        for row in FraudCases.objects.filter(year=year, month=month).select_related("recorded_by")
    }


def seen_token(year, month, rows):
    """What a page shows of a month (`rows` as `recorded` returns them), signed, so that
    saving it can tell what changed since."""
    return signing.dumps(
        {
            "year": year,
            "month": month,
            "rows": {str(cid): figures_of(row).as_list() for cid, row in rows.items()},
        },
        salt=SEEN_SALT,
        compress=True,
    )


def read_seen(token, year, month):
    """{community id: Figures} of the page's `seen_token`; None when it cannot be read, is
    too old or is another month's."""
    try:
        seen = signing.loads(token, salt=SEEN_SALT, max_age=SEEN_MAX_AGE)
        if seen["year"] != year or seen["month"] != month:
            return None
        return {int(cid): Figures.from_list(value) for cid, value in seen["rows"].items()}
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None


@dataclass(frozen=True)
class Conflict:
    """A community whose figures changed after the page was built: what the page showed
    (None: not entered), what is there now, and what the page would write."""

    community: object
    seen: Figures | None
    now: FraudCases
    sent: Figures


class StaleFigures(Exception):
    """The page was built on older figures; nothing was written."""

    def __init__(self, conflicts):
        super().__init__(conflicts)
        self.conflicts = conflicts


@dataclass
class Written:
    """What a save did, community by community."""

    created: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)

    @property
    def wrote(self):
        return bool(self.created or self.changed)


def record_month(year, month, figures, seen, by, at=None):
    """Write `figures` ({Community: Figures}) as the month's, recorded `by` at `at` (now),
    all or nothing; `seen` ({community id: Figures}) is what the page showed. Returns a
    Written; raises StaleFigures, nothing written, when the page was built on older figures."""
    at = at or timezone.now()
    written = Written()
    with transaction.atomic():
        current = {
            row.community_id: row
            for row in FraudCases.objects.select_for_update(of=("self",))
            .filter(year=year, month=month)
            .select_related("recorded_by")
        }
        conflicts = []
        for community, sent in figures.items():
            row = current.get(community.pk)
            now = figures_of(row) if row else None
            if row is not None and now not in (seen.get(community.pk), sent):
                conflicts.append(Conflict(community, seen.get(community.pk), row, sent))
        if conflicts:
            raise StaleFigures(conflicts)
        new, corrected = [], []
        for community, sent in figures.items():
            row = current.get(community.pk)
            if row is None:
                new.append(
                    FraudCases(
                        year=year,
                        community=community,
                        month=month,
                        cases=sent.cases,
                        losses=sent.losses,
                        recorded_by=by,
                        recorded_at=at,
                    )
                )
                written.created.append(community)
            elif figures_of(row) != sent:
                row.cases, row.losses, row.recorded_by, row.recorded_at = (
                    sent.cases,
                    sent.losses,
                    by,
                    at,
                )
                corrected.append(row)
                written.changed.append(community)
            else:
                written.unchanged.append(community)
        try:
            with transaction.atomic():
                if new:
                    bulk_create_with_history(new, FraudCases, default_user=by, default_date=at)
                if corrected:
                    bulk_update_with_history(
                        corrected,
                        FraudCases,
                        ["cases", "losses", "recorded_by", "recorded_at"],
                        default_user=by,
                        default_date=at,
                    )
        except IntegrityError as error:
            # Another writer entered a community of this month between our read and write
            # (a database whose lock does not cover rows yet to exist): the page is stale.
            raise StaleFigures([]) from error
    return written
