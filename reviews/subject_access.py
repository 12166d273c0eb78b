"""Subject access: everything the service holds about a person or a case, found across every review.

A search names a team member (username, email or full name), a named contact (an email or name recorded on a
planning group, a commitment or an interview), or a case reference. What is held is found from the models
themselves rather than from a list that could fall behind: every record of the project's apps that points at the
person's account or at the case (change history and the access log included), and every record whose email or
name field holds the words searched for. Stage apps are never imported here; Django's app registry knows them.

Anonymous questionnaire answers are never linked to a person, so no search can find them: the bundle says so.
"""

import datetime
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat

from .models import Case

PROJECT_APPS = ("reviews", "selfassessment", "casemapping", "audits", "focusgroups", "interviews", "conference")
NAME_FIELDS = {"name", "full_name", "contact_name", "interviewee_name", "addressee_name"}
# Secrets and the keys to them are never part of a bundle, whatever model they are on.
SECRET_FIELDS = {"password", "token", "token_hash", "secret", "secret_hash", "code_hash", "device_hash", "online_link"}
ROWS_PER_KIND = 10000
MAX_QUERY_LENGTH = 200
THIRD_PARTY_NOTE = (
    "These records can name other people and hold details of children's cases. Review them, and remove other "
    "people's personal data, before anything is disclosed."
)
ANONYMOUS_NOTE = (
    "Questionnaire answers are anonymous: no account, name or address is kept with them, so they are never linked "
    "to a person and no search can find them."
)


@dataclass
class Holding:
    """The records of one kind held about what was searched for."""

    about: str
    kind: str
    rows: list[dict]
    more: bool = False


@dataclass
class Bundle:
    query: str
    people: list = field(default_factory=list)
    cases: list = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.people or self.cases or self.holdings)

    @property
    def record_count(self) -> int:
        return sum(len(holding.rows) for holding in self.holdings)

    def as_json(self) -> dict:
        return {
            "query": self.query,
            "note": ANONYMOUS_NOTE,
            "before_disclosure": THIRD_PARTY_NOTE,
            "holdings": [
                {"about": holding.about, "kind": holding.kind, "records": holding.rows, "truncated": holding.more}
                for holding in self.holdings
            ],
        }


def _value(value) -> object:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def _row(obj: models.Model) -> dict:
    fields = {}
    for model_field in obj._meta.concrete_fields:
        if model_field.name in SECRET_FIELDS:
            continue
        value = getattr(obj, model_field.attname)
        fields[model_field.name] = _value(value)
    return {"id": obj.pk, "fields": fields}


def _kind(model: type[models.Model]) -> str:
    return f"{model._meta.app_config.verbose_name}: {model._meta.verbose_name_plural}"


def _holding(about: str, queryset) -> Holding | None:
    rows = list(queryset.order_by("pk")[: ROWS_PER_KIND + 1])
    if not rows:
        return None
    return Holding(about, _kind(queryset.model), [_row(obj) for obj in rows[:ROWS_PER_KIND]], len(rows) > ROWS_PER_KIND)


def _pointing_at(obj: models.Model, about: str) -> list[Holding]:
    """Every record of the project's apps whose foreign key or many-to-many field points at `obj`, and the
    change history of `obj` itself where it has one."""
    holdings = []
    history = getattr(type(obj), "history", None)
    if history is not None:
        own = _holding(about, history.filter(id=obj.pk))
        if own is not None:
            holdings.append(own)
    for relation in obj._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        model = relation.related_model
        if model is None or model._meta.app_label not in PROJECT_APPS:
            continue
        holding = _holding(about, model._default_manager.filter(**{relation.field.name: obj}))
        if holding is not None:
            holdings.append(holding)
    return holdings


def _named(query: str) -> list[Holding]:
    """Records whose email or name field holds exactly what was searched for: named contacts."""
    holdings = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, models.EmailField)]
        names += [f.name for f in model._meta.concrete_fields if f.name in NAME_FIELDS]
        if not names:
            continue
        condition = Q()
        for name in names:
            condition |= Q(**{f"{name}__iexact": query})
        holding = _holding(f"Named contact “{query}”", model._default_manager.filter(condition))
        if holding is not None:
            holdings.append(holding)
    return holdings


def search(query: str) -> Bundle:
    query = " ".join(query.replace("\x00", "").split())[:MAX_QUERY_LENGTH]
    bundle = Bundle(query=query)
    if len(query) < 2:
        return bundle
    people = (
        get_user_model()
        .objects.annotate(full=Concat("first_name", Value(" "), "last_name"))
        .filter(Q(username__iexact=query) | Q(email__iexact=query) | Q(full__iexact=query))
        .order_by("pk")
    )
    for person in people:
        about = f"Team member {person.get_full_name() or person.username} ({person.username})"
        bundle.people.append(person)
        bundle.holdings.append(Holding(about, "Account", [_row(person)]))
        bundle.holdings.extend(_pointing_at(person, about))
    for case in Case.objects.filter(reference__iexact=query).select_related("review").order_by("pk"):
        about = f"Case {case.reference} in {case.review.title}"
        bundle.cases.append(case)
        bundle.holdings.append(Holding(about, _kind(Case), [_row(case)]))
        bundle.holdings.extend(_pointing_at(case, about))
    bundle.holdings.extend(_named(query))
    return bundle
