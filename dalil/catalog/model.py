"""The catalog's schema: what an agency must write for every service, checked at load.

Pydantic (v1, as Rasa 3.6 pins it) turns a typo in the YAML into an error that names the
service and the field, instead of a wrong answer sent to a client weeks later.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Extra, HttpUrl, conlist, constr, root_validator, validator

from nlp.normalize import normalize
from nlp.phrase_match import variants

ASPECTS = ("overview", "requirements", "steps", "fees", "duration", "channels")
Aspect = Literal["overview", "requirements", "steps", "fees", "duration", "channels"]
CASE_STATUSES = ("received", "under_review", "needs_documents", "approved", "rejected", "closed")
CaseStatusName = Literal[
    "received", "under_review", "needs_documents", "approved", "rejected", "closed"
]
Day = Literal["sat", "sun", "mon", "tue", "wed", "thu", "fri"]
Text = constr(strip_whitespace=True, min_length=1)
Identifier = constr(regex=r"^[a-z][a-z0-9_]*$")
Word = constr(strip_whitespace=True, regex=r"^\S+$")


class Strict(BaseModel):
    """Refuses unknown keys, so a misspelt field name is an error, not a silent omission."""

    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Answers(Strict):
    """The approved answer for each aspect of a service."""

    overview: Text
    requirements: Text
    steps: Text
    fees: Text
    duration: Text
    channels: Text


class Service(Strict):
    """One service of the agency's service list."""

    id: Identifier
    name_ar: Text
    name_en: Text
    audience: Literal["individuals", "establishments"]
    aliases: list[Text]
    department: Text
    e_service_url: HttpUrl
    reviewed: dt.date
    answers: Answers
    # A state other services depend on (a Nitaqat band): a message naming this service and
    # another («لو نطاقنا أحمر نقدر نجدد الرخص؟») is about the other one.
    yields_to_others: bool = False
    # Who the service is for, named alone («شغالة», «سواق خاص»): a message naming only
    # them is about this service; one naming another service too («الشغالة هربت، كيف
    # أسوي بلاغ تغيب؟») is about the other one.
    subjects: list[Text] = []
    # Services this one is a narrower case of (a household's recruitment is a
    # recruitment): a message naming both («تأشيرة شغالة») is about this one.
    narrows: list[Identifier] = []
    # Services this one is done to or about (a complaint about end-of-service pay, the
    # cancellation of an absence report): a message naming both is about this one.
    acts_on: list[Identifier] = []

    @validator("e_service_url")
    def _https_only(cls, url: HttpUrl) -> HttpUrl:  # noqa: N805 - pydantic validator
        if url.scheme != "https":
            raise ValueError("must be an https:// link")
        return url

    def phrases(self) -> list[str]:
        """Every way people name this service: the name, its parts in brackets, the aliases,
        the subjects and the English name (agents and young clients type it)."""
        name = self.name_ar.replace(")", "(")
        parts = [p.strip() for p in name.split("(") if p.strip()]
        return list(
            dict.fromkeys([self.name_ar, *parts, *self.aliases, *self.subjects, self.name_en])
        )


class Hours(Strict):
    """Opening hours in the agency's time zone."""

    days: list[Day]
    opens: dt.time
    closes: dt.time
    timezone: Text
    text: Text

    @validator("timezone")
    def _known_zone(cls, name: str) -> str:  # noqa: N805 - pydantic validator
        ZoneInfo(name)  # raises for an unknown zone name
        return name

    def is_open(self, moment: dt.datetime) -> bool:
        """Whether ``moment`` (timezone-aware) falls in these hours, in their own zone."""
        local = moment.astimezone(ZoneInfo(self.timezone))
        day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[local.weekday()]
        return day in self.days and self.opens <= local.time() < self.closes


class Office(Strict):
    """A labor office in one city."""

    city: Identifier
    name_ar: Text
    aliases: list[Text]
    office_name: Text
    address: Text
    map_url: HttpUrl


class Contact(Strict):
    """How clients reach the agency."""

    call_center: Text
    email: Text
    website: HttpUrl
    social: dict[str, HttpUrl]
    text: Text


class Charter(Strict):
    """The customer charter: rights, obligations and service-level promises."""

    rights: list[Text]
    obligations: list[Text]
    service_levels: list[Text]


class General(Strict):
    """Information that belongs to the agency rather than to one service."""

    office_hours: Hours
    agent_hours: Hours
    offices: list[Office]
    contact: Contact
    charter: Charter


class Messages(Strict):
    """The wording around catalog answers: headings, labels, the provenance line."""

    aspect_labels: dict[Aspect, Text]
    audience_labels: dict[Literal["individuals", "establishments"], Text]
    answer_heading: Text  # {aspect} {service}
    provenance: Text  # {url} {reviewed}
    services_list: Text
    offices_heading: Text
    office_line: Text  # {office_name} {address} {map_url}
    charter_headings: dict[Literal["rights", "obligations", "service_levels"], Text]
    # How the bot names an intent when it offers it as a guess («هل تقصد …؟»).
    intent_labels: dict[Identifier, Text]
    # A case's status as the client reads it, and the reply around it.
    case_status_labels: dict[CaseStatusName, Text]
    case_status: Text  # {request_number} {service} {status} {updated_on} {next_step}
    case_expected_completion: Text  # {date}
    case_missing_documents: Text  # heading of the list

    @validator("case_status_labels")
    def _every_status(cls, labels: dict) -> dict:  # noqa: N805 - pydantic validator
        missing = [s for s in CASE_STATUSES if s not in labels]
        if missing:
            raise ValueError(f"missing labels for {', '.join(missing)}")
        return labels

    @validator("aspect_labels")
    def _every_aspect(cls, labels: dict) -> dict:  # noqa: N805 - pydantic validator
        missing = [a for a in ASPECTS if a not in labels]
        if missing:
            raise ValueError(f"missing labels for {', '.join(missing)}")
        return labels


class Catalog(Strict):
    """The whole service list: the one source every channel answers from."""

    version: int
    # Words people use for one another in service names («تصريح عمل» is «رخصة عمل»):
    # every phrase holding one of them is also known with each of the others.
    synonyms: list[conlist(Word, min_items=2)] = []
    # Other agencies' services whose names share words with ours («رخصة القيادة» is not a
    # work permit, «تأشيرة زيارة» not a recruitment visa): never read as one of ours.
    not_our_services: list[Text] = []
    services: list[Service]
    general: General
    messages: Messages

    @root_validator(skip_on_failure=True)
    def _unique_names(cls, values: dict) -> dict:  # noqa: N805 - pydantic validator
        """Two services may not share an id or a phrase: the bot could not tell them apart."""
        seen_ids: set[str] = set()
        owner: dict[str, str] = {}
        for service in values["services"]:
            if service.id in seen_ids:
                raise ValueError(f"service '{service.id}' is defined twice")
            seen_ids.add(service.id)
            for phrase in service.phrases():
                key = normalize(phrase)
                if owner.get(key, service.id) != service.id:
                    raise ValueError(
                        f"service '{service.id}': alias '{phrase}' is also used by "
                        f"service '{owner[key]}'"
                    )
                owner[key] = service.id
        for service in values["services"]:
            for field in ("narrows", "acts_on"):
                for other in getattr(service, field):
                    if other not in seen_ids or other == service.id:
                        raise ValueError(
                            f"service '{service.id}': {field} '{other}', which is not "
                            "another service of the catalog"
                        )
        return values

    def phrases_of(self, service: Service) -> list[str]:
        """The service's phrases, and each again with one word replaced by a synonym."""
        return self._with_synonyms(service.phrases())

    def not_ours(self) -> list[str]:
        """Other agencies' service names, and each again with one word replaced by a synonym."""
        return self._with_synonyms(self.not_our_services)

    def subjects_of(self, service: Service) -> list[str]:
        """The service's subjects, and each again with one word replaced by a synonym."""
        return self._with_synonyms(service.subjects)

    def _with_synonyms(self, phrases: list[str]) -> list[str]:
        """``phrases``, and each again with one word replaced by a synonym.

        The synonym keeps the article or clitic of the word it replaces: «الفيزا».
        """
        groups = [[normalize(w) for w in group] for group in self.synonyms]
        found = []
        for phrase in phrases:
            found.append(phrase)
            words = phrase.split()
            for i, word in enumerate(words):
                # The word itself first, then without its longest article or clitic.
                forms = sorted(variants(normalize(word)), key=len, reverse=True)
                for group in groups:
                    base = next((v for v in forms if v in group), None)
                    if base is not None:
                        prefix = forms[0][: len(forms[0]) - len(base)]
                        found += [
                            " ".join([*words[:i], prefix + other, *words[i + 1 :]])
                            for other in group
                            if other != base
                        ]
        return list(dict.fromkeys(found))

    def service_ids(self) -> set[str]:
        """Every service id in the catalog."""
        return {s.id for s in self.services}

    def service(self, service_id: str) -> Service:
        """The service with this id; KeyError if the catalog has none."""
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)

    def office(self, city: str) -> Office:
        """The office in this city; KeyError if there is none."""
        for office in self.general.offices:
            if office.city == city:
                return office
        raise KeyError(city)
