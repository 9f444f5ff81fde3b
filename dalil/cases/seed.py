"""Sample cases for the reference service: deterministic, every status, catalog services.

The same seed gives the same cases on every machine, so the README's demo numbers and the
tests' numbers always exist. An agency's real case system replaces all of this.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from dalil.cases.tables import STATUSES, Case
from dalil.catalog import load_catalog
from dalil.identifiers import luhn_valid

SEED = 1447
CASES = 66
TODAY = dt.date(2026, 11, 1)

NEXT_STEPS = {
    "received": "سيُحال طلبك إلى الموظف المختص للمراجعة خلال يومي عمل.",
    "under_review": "يراجع الموظف المختص طلبك، وسيصلك إشعار برسالة نصية عند صدور القرار.",
    "needs_documents": (
        "ارفع المستندات الناقصة عبر منصة الخدمات الإلكترونية خلال 10 أيام عمل، وإلا أُغلق الطلب."
    ),
    "approved": "اعتُمد طلبك. يمكنك طباعة المستند من منصة الخدمات الإلكترونية.",
    "rejected": (
        "رُفض الطلب. يمكنك الاعتراض خلال 30 يوماً عبر منصة الخدمات الإلكترونية مع ذكر الأسباب."
    ),
    "closed": "أُغلق الطلب ولا يلزم منك أي إجراء.",
}
MISSING_DOCUMENTS = [
    "صورة سارية من هوية مقيم للعامل",
    "عقد العمل موقّعاً من الطرفين",
    "شهادة الاشتراك في التأمينات الاجتماعية",
    "خطاب تفويض من المنشأة",
    "صورة السجل التجاري",
]


def national_id(rng: random.Random) -> str:
    """A random 10-digit ID (1…) or iqama (2…) number with a valid check digit."""
    body = rng.choice("12") + "".join(rng.choice("0123456789") for _ in range(8))
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


def sample_cases() -> Iterator[Case]:
    """The sample cases, in the same order with the same values every time."""
    rng = random.Random(SEED)
    services = [s.id for s in load_catalog().services]  # requests for the catalog's services
    numbers: set[str] = set()
    for index in range(CASES):
        status = STATUSES[index % len(STATUSES)]
        number = str(rng.randrange(10_000_000, 99_999_999))
        while number in numbers:
            number = str(rng.randrange(10_000_000, 99_999_999))
        numbers.add(number)
        submitted = TODAY - dt.timedelta(days=rng.randrange(3, 90))
        updated = min(TODAY, submitted + dt.timedelta(days=rng.randrange(0, 20)))
        open_case = status in {"received", "under_review", "needs_documents"}
        yield Case(
            request_number=number,
            national_id=national_id(rng),
            service=services[index % len(services)],
            status=status,
            submitted_on=submitted,
            updated_on=updated,
            expected_completion=updated + dt.timedelta(days=rng.randrange(3, 15))
            if open_case
            else None,
            next_step=NEXT_STEPS[status],
            missing_documents=rng.sample(MISSING_DOCUMENTS, 2)
            if status == "needs_documents"
            else [],
        )
