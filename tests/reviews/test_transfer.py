"""Moving a whole review to another installation: export to a ZIP, import as a new review, all or nothing."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.urls import reverse
from simple_history.models import HistoricalChanges

from focusgroups.models import Questionnaire
from interviews.models import LineOfEnquiry, LineTemplate
from reviews import transfer
from reviews.demo import demo_pdf
from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.models import (
    AccessLog,
    DocumentVersion,
    EvidenceDocument,
    FindingEvidence,
    Partner,
    Report,
    Review,
    Role,
    ThresholdLevel,
)

from ..factories import CaseFactory, FindingFactory, PartnerFactory, ReportFactory, ReviewFactory

PROJECT_APPS = {"reviews", "selfassessment", "casemapping", "audits", "focusgroups", "interviews", "conference"}


# Helpers


def export(review, user) -> bytes:
    return transfer.export_to_bytes(review=review, user=user)


def rewrite(data: bytes, *, document=None, members: dict | None = None, drop: set = frozenset()) -> bytes:
    """A copy of an archive with review.json changed by `document(json) -> json` and members replaced or added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename in drop or info.filename in (members or {}):
                continue
            content = source.read(info)
            if info.filename == transfer.JSON_NAME and document is not None:
                content = json.dumps(document(json.loads(content))).encode()
            target.writestr(info.filename, content)
        for name, content in (members or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def private_files() -> set[str]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()} if root.exists() else set()


def database_counts() -> dict[str, int]:
    counted = [*transfer.project_models(), get_user_model(), ContentType]
    return {model._meta.label: model._base_manager.count() for model in counted}


def rows_of(model, review) -> models.QuerySet:
    condition = models.Q()
    for lookup in transfer.owned_models()[model]:
        condition |= models.Q(**{lookup: review.pk})
    return model._base_manager.filter(condition)


def snapshot(review) -> dict[str, list[dict]]:
    return {
        model._meta.label: list(rows_of(model, review).order_by("pk").values()) for model in transfer.owned_models()
    }


def refuse(data: bytes, message: str, **options) -> None:
    """The import is refused with the message, and nothing is left in the database or the private storage."""
    counts, files = database_counts(), private_files()

    with pytest.raises(transfer.TransferError) as error:
        transfer.import_review(io.BytesIO(data), **options)

    assert message in str(error.value)
    assert database_counts() == counts
    assert private_files() == files


def add_files(review, user) -> None:
    """A document with two versions and a finished report, so the export carries files."""
    document = EvidenceDocument.objects.create(
        review=review, title="Threshold document", created_by=user, version_count=2
    )
    for number in (1, 2):
        content = demo_pdf("Thresholds", [f"Version {number}"])
        version = DocumentVersion(
            document=document,
            number=number,
            original_name=f"thresholds-v{number}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=user,
        )
        version.file.save(f"{number}.pdf", ContentFile(content), save=True)
    version = review.reports.filter(kind=Report.Kind.BASELINE).count() + 1  # after any the demo rendered
    report = ReportFactory.build(
        review=review, kind=Report.Kind.BASELINE, version=version, status=Report.Status.DONE, requested_by=user
    )
    report.store_pdf(b"%PDF-1.4 a finished report")
    report.save()
    finding = FindingFactory(review=review, raised_by=user)
    FindingEvidence.objects.create(
        finding=finding, content_type=ContentType.objects.get_for_model(EvidenceDocument), object_id=document.pk
    )


@pytest.fixture
def small_review(review, lead):
    """A review with a case, a finding with generic evidence, a document with two files and a report."""
    CaseFactory(review=review, reference="C-01")
    add_files(review, lead)
    return review


@pytest.fixture
def archive(small_review, lead) -> bytes:
    return export(small_review, lead)


# Which models belong to a review


def reachable_from_review() -> set[str]:
    """Walked the other way from the code under test: from Review along reverse links, not from each model forward."""
    project = [
        model
        for config in apps.get_app_configs()
        if config.label in PROJECT_APPS or Path(config.path).resolve().is_relative_to(Path(settings.BASE_DIR))
        if "site-packages" not in Path(config.path).resolve().parts
        for model in config.get_models()
        if not issubclass(model, HistoricalChanges) and not model._meta.proxy
    ]
    found, queue = {Review}, [Review]
    while queue:
        current = queue.pop()
        # Hidden reverse links too (related_name="+"): a library's row pointing at a council's own scope area counts.
        for relation in current._meta.get_fields(include_hidden=True):
            if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
                continue
            model = relation.related_model
            if relation.many_to_many or model in found or model not in project:
                continue
            if model is not current:
                found.add(model)
                queue.append(model)
    # The installation's own audit trail and the messages it sent its users stay behind.
    own_records = {
        "reviews.accesslog",
        "reviews.notification",
        "reviews.emailrecord",
        "reviews.invitation",
        "reviews.sentreminder",
        "reviews.reviewexport",
    }
    return {model._meta.label_lower for model in found} - own_records


def test_every_model_with_a_path_to_a_review_is_carried():
    discovered = {model._meta.label_lower for model in transfer.owned_models()}

    assert discovered == reachable_from_review()


def test_known_models_of_every_stage_are_carried_and_shared_configuration_is_not():
    discovered = {model._meta.label_lower for model in transfer.owned_models()}

    assert {
        "reviews.review",
        "reviews.reviewmembership",
        "reviews.findingevidence",
        "reviews.documentversion",
        "reviews.report",
        "selfassessment.entry",
        "selfassessment.recommendationpeerview",
        "casemapping.event",
        "casemapping.learningpoint",
        "audits.peergrade",
        "focusgroups.answer",
        "focusgroups.section",
        "interviews.sessionnote",
        "conference.checkpointentry",
        "conference.choice",
    } <= discovered
    assert (
        not {
            "reviews.accesslog",
            "reviews.notification",
            "reviews.invitation",
            "reviews.sentreminder",
            "reviews.council",
            "reviews.partner",
            "reviews.thresholdlevel",
            "reviews.framework",
            "reviews.theme",
            "reviews.grade",
            "reviews.partnerkind",
            "casemapping.eventkind",
            "casemapping.timescalerule",
            "audits.audittool",
            "selfassessment.inspectionkind",
        }
        & discovered
    )
    assert {label.split(".")[0] for label in discovered} == PROJECT_APPS


# The demo review, there and back


@pytest.mark.django_db
def test_the_demo_review_is_copied_whole_and_the_original_is_untouched(settings, client):
    settings.DEBUG = True  # the demo's default password needs it, as in the quick start
    call_command("seed_demo", stdout=io.StringIO())
    original = Review.objects.get(title=NORTHMOOR_REVIEW)
    lead = get_user_model().objects.get(username="lead")
    add_files(original, lead)
    before = snapshot(original)
    users = get_user_model().objects.count()
    owned = transfer.owned_models()

    data = export(original, lead)
    result = transfer.import_review(io.BytesIO(data), title="Northmoor review, imported copy")

    copy = result.review
    assert copy.pk != original.pk and copy.title == "Northmoor review, imported copy"
    assert copy.council_id == original.council_id
    assert snapshot(original) == before
    assert get_user_model().objects.count() == users
    assert result.users_created == [] and result.created == []
    empty = []
    for model in owned:
        original_rows, copied_rows = rows_of(model, original), rows_of(model, copy)
        assert copied_rows.count() == original_rows.count(), model._meta.label
        if not original_rows.exists():
            empty.append(model._meta.label_lower)
        assert not set(copied_rows.values_list("pk", flat=True)) & set(original_rows.values_list("pk", flat=True))
    # Every stage has data in the demo, so the comparison above is not empty for any of them.
    assert {label.split(".")[0] for label in {m._meta.label_lower for m in owned} - set(empty)} == PROJECT_APPS
    assert_links_point_into(copy, original, owned)
    assert_files_copied(original, copy)
    assert_generic_evidence_points_into(copy)
    assert_secrets_are_new(original, copy)
    whole = AccessLog.objects.filter(target__startswith="Whole review exported", review=original, user=lead)
    assert whole.filter(action=AccessLog.Action.EXPORT).count() == 1
    assert not AccessLog.objects.filter(review=copy).exists()
    assert list(copy.history.values_list("history_change_reason", flat=True)) == ["Imported from another installation"]
    client.force_login(lead)
    for name in ("reviews:overview", "reviews:findings", "reviews:reports", "reviews:documents"):
        assert client.get(reverse(name, args=[copy.pk])).status_code == 200, name


def assert_links_point_into(copy, original, owned) -> None:
    """Every link of every copied row points at the copy's rows, never the original's, as often as the original's do."""
    copy_pks = {model: set(rows_of(model, copy).values_list("pk", flat=True)) for model in owned}
    original_pks = {model: set(rows_of(model, original).values_list("pk", flat=True)) for model in owned}
    for model in owned:
        for f in [f for f in model._meta.concrete_fields if f.is_relation]:
            copied = list(rows_of(model, copy).values_list(f.attname, flat=True))
            originals = list(rows_of(model, original).values_list(f.attname, flat=True))
            if f.related_model in owned:
                assert not set(copied) & original_pks[f.related_model], (model._meta.label, f.name)
                inside = sum(target in copy_pks[f.related_model] for target in copied)
                assert inside == sum(target in original_pks[f.related_model] for target in originals), f.name
            else:
                assert sorted(copied, key=str) == sorted(originals, key=str), (model._meta.label, f.name)
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through._base_manager
            source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
            copied = list(through.filter(**{f"{source}__in": copy_pks[model]}).values_list(target, flat=True))
            originals = list(through.filter(**{f"{source}__in": original_pks[model]}).values_list(target, flat=True))
            assert len(copied) == len(originals), (model._meta.label, m2m.name)
            if m2m.related_model in owned:
                # Scope areas and focus areas are partly owned: a council's own travel, the framework's are shared.
                related = m2m.related_model
                assert not set(copied) & original_pks[related], (model._meta.label, m2m.name)
                inside = sum(target in copy_pks[related] for target in copied)
                assert inside == sum(target in original_pks[related] for target in originals), m2m.name
            else:
                assert sorted(copied) == sorted(originals), (model._meta.label, m2m.name)


def assert_files_copied(original, copy) -> None:
    def files(review):
        names = list(DocumentVersion.objects.filter(document__review=review).values_list("file", flat=True))
        names += list(Report.objects.filter(review=review).exclude(file="").values_list("file", flat=True))
        return names

    storage = DocumentVersion._meta.get_field("file").storage
    originals, copies = files(original), files(copy)
    assert len(copies) == len(originals) >= 3
    assert not set(copies) & set(originals)

    def digest(name):
        with storage.open(name, "rb") as stored:
            return hashlib.sha256(stored.read()).hexdigest()

    assert sorted(map(digest, copies)) == sorted(map(digest, originals))
    for version in DocumentVersion.objects.filter(document__review=copy):
        assert digest(version.file.name) == version.sha256


def assert_generic_evidence_points_into(copy) -> None:
    evidence = FindingEvidence.objects.filter(finding__review=copy).select_related("content_type")
    assert evidence.count() >= 2
    for item in evidence:
        model = item.content_type.model_class()
        assert rows_of(model, copy).filter(pk=item.object_id).exists(), item


def assert_secrets_are_new(original, copy) -> None:
    original_tokens = set(Questionnaire.objects.filter(review=original).values_list("token", flat=True))
    copy_tokens = set(Questionnaire.objects.filter(review=copy).values_list("token", flat=True))
    assert len(copy_tokens) == len(original_tokens) >= 1
    assert None not in copy_tokens and not copy_tokens & original_tokens
    original_codes = set(
        apps.get_model("conference", "Round").objects.filter(review=original).values_list("code", flat=True)
    )
    copy_codes = set(apps.get_model("conference", "Round").objects.filter(review=copy).values_list("code", flat=True))
    assert len(copy_codes) == len(original_codes) >= 1
    assert not copy_codes & original_codes


# A new installation


@pytest.mark.django_db
def test_a_new_installation_gains_the_council_and_inactive_people(small_review, lead, admin_user):
    partner = PartnerFactory(council=small_review.council, name="Testshire Police")
    small_review.council.adopt_default_thresholds()
    case = small_review.cases.get()
    case.partners.add(partner)
    case.threshold_level = small_review.council.threshold_levels.order_by("order").first()
    case.save()
    data = export(small_review, admin_user)
    council = small_review.council
    usernames = set(small_review.memberships.values_list("user__username", flat=True))
    with connection.cursor() as cursor:  # a new installation has no access log; rows cannot be deleted one by one
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE reviews_accesslog")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    small_review.delete()
    council.delete()
    get_user_model().objects.filter(username__in=usernames).delete()

    result = transfer.import_review(io.BytesIO(data))

    copy = result.review
    assert copy.council.name == council.name and copy.council.ons_code == council.ons_code
    assert Partner.objects.get(council=copy.council).name == "Testshire Police"
    assert copy.cases.get().partners.get().name == "Testshire Police"
    assert copy.cases.get().threshold_level.council == copy.council
    assert ThresholdLevel.objects.filter(council=copy.council).count() >= 1
    assert sorted(result.users_created) == sorted(usernames)
    for user in get_user_model().objects.filter(username__in=usernames):
        assert not user.is_active and not user.has_usable_password()
    assert copy.memberships.get(role=Role.LEAD).user.username == "lead"


# Refusals


@pytest.mark.django_db
def test_a_file_that_is_not_a_zip_is_refused(small_review):
    refuse(b"review,title\n1,Testshire", "not a ZIP archive")


@pytest.mark.django_db
def test_a_zip_without_review_json_is_refused(archive):
    refuse(rewrite(archive, drop={"review.json"}, members={"notes.txt": b"hello"}), "it has no review.json")


@pytest.mark.django_db
def test_a_zip_of_another_kind_is_refused(archive):
    refuse(rewrite(archive, document=lambda d: {**d, "format": "something-else"}), "not a review export of this")


@pytest.mark.django_db
def test_an_unknown_format_version_is_refused(archive):
    refuse(rewrite(archive, document=lambda d: {**d, "format_version": 2}), "format version 2 is not supported")


@pytest.mark.django_db
def test_malformed_json_is_refused(archive):
    refuse(rewrite(archive, members={"review.json": b'{"format": "peerreview-review-export",'}), "not valid JSON")


@pytest.mark.django_db
def test_objects_of_the_wrong_shape_are_refused(archive):
    refuse(rewrite(archive, document=lambda d: {**d, "objects": []}), "'objects' is missing or of the wrong type")


@pytest.mark.django_db
def test_a_file_that_does_not_match_its_hash_is_refused(archive):
    name = next(n for n in zipfile.ZipFile(io.BytesIO(archive)).namelist() if n.startswith("files/"))

    refuse(rewrite(archive, members={name: b"%PDF-1.4 altered"}), "does not match its SHA-256")


@pytest.mark.django_db
def test_a_file_missing_from_the_archive_is_refused(archive):
    name = next(n for n in zipfile.ZipFile(io.BytesIO(archive)).namelist() if n.startswith("files/"))

    refuse(rewrite(archive, drop={name}), "missing from the archive")


@pytest.mark.django_db
def test_a_file_the_export_does_not_list_is_refused(archive):
    refuse(rewrite(archive, members={"files/extra.pdf": b"%PDF-1.4"}), "does not list: 'files/extra.pdf'")


def with_framework_version(version):
    def change(document):
        for reference in document["references"]:
            if reference["model"] == "reviews.framework":
                reference["key"]["version"] = version
        return document

    return change


@pytest.mark.django_db
def test_missing_shared_configuration_is_named(archive, small_review):
    framework = small_review.framework

    refuse(
        rewrite(archive, document=with_framework_version("9.9")),
        f"lacks shared configuration the review needs: framework name '{framework.name}' version '9.9'.",
    )


@pytest.mark.django_db
def test_a_title_the_council_already_has_is_refused_and_another_is_accepted(archive, small_review):
    refuse(archive, f"A review called '{small_review.title}' already exists for this council")

    result = transfer.import_review(io.BytesIO(archive), title="Testshire review, second copy")

    assert result.review.title == "Testshire review, second copy"
    assert result.review.council == small_review.council


@pytest.mark.django_db
def test_an_archive_too_large_when_unpacked_is_refused(archive):
    refuse(archive, "at most 1000 are accepted", title="Copy", max_total=1000)


@pytest.mark.django_db
def test_an_archive_with_too_many_files_is_refused(archive):
    refuse(archive, "at most 2 are accepted", title="Copy", max_members=2)


@pytest.mark.django_db
def test_an_oversized_member_is_refused(archive):
    refuse(archive, "is larger than 100 bytes", title="Copy", max_member=100)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../escape.pdf", "/etc/escape.pdf", "files/../../escape.pdf", "C:/escape.pdf"])
def test_unsafe_member_names_are_refused(archive, name):
    refuse(rewrite(archive, members={name: b"x"}), "unsafe name")


def change_rows(label, change):
    def apply(document):
        for row in document["objects"][label]:
            change(row)
        return document

    return apply


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "field", "value", "message"),
    [
        ("reviews.review", "title", 5, "review 1, field 'title': 5 is not a valid"),
        ("reviews.case", "has_disability", "yes", "field 'has_disability': \"yes\" is not a valid"),
        ("reviews.case", "age_band", "ancient", "Value 'ancient' is not a valid choice."),
        ("reviews.finding", "priority", "first", "field 'priority': \"first\" is not a valid"),
        ("reviews.review", "onsite_start", "next Tuesday", "field 'onsite_start'"),
        ("reviews.case", "reference", None, "field 'reference': a value is needed."),
    ],
)
def test_values_of_the_wrong_type_are_refused(archive, small_review, label, field, value, message):
    def change(row):
        row["fields"][field] = value

    message = message.replace("review 1", f"review {small_review.pk}")

    refuse(rewrite(archive, document=change_rows(label, change)), message, title="Copy")


@pytest.mark.django_db
def test_a_row_without_an_id_is_refused(archive):
    refuse(
        rewrite(archive, document=change_rows("reviews.case", lambda row: row.update(pk="C-01"))),
        "a row of cases has a bad id",
        title="Copy",
    )


@pytest.mark.django_db
def test_two_rows_with_the_same_id_are_refused(archive):
    def duplicate(document):
        document["objects"]["reviews.case"].append(json.loads(json.dumps(document["objects"]["reviews.case"][0])))
        document["objects"]["reviews.case"][-1]["fields"]["reference"] = "C-02"
        return document

    refuse(rewrite(archive, document=duplicate), "a row of cases has a bad id", title="Copy")


@pytest.mark.django_db
def test_a_link_to_a_row_not_in_the_archive_is_refused(archive):
    refuse(
        rewrite(archive, document=change_rows("reviews.case", lambda row: row["fields"].update(review={"pk": 99999}))),
        "field 'review': points at a review that is not in the archive",
        title="Copy",
    )


@pytest.mark.django_db
def test_an_unknown_kind_of_record_is_refused(archive):
    def add(document):
        document["objects"]["reviews.secretnotes"] = []
        return document

    refuse(rewrite(archive, document=add), "'reviews.secretnotes', which is not part of a review", title="Copy")


@pytest.mark.django_db
def test_an_unknown_field_is_refused(archive):
    refuse(
        rewrite(archive, document=change_rows("reviews.case", lambda row: row["fields"].update(child_name="x"))),
        "a field 'child_name' that cases do not have here",
        title="Copy",
    )


@pytest.mark.django_db
def test_a_failure_after_the_files_are_stored_leaves_no_file_behind(archive):
    # Finding evidence is created last, after the documents' files are stored.
    refuse(
        rewrite(archive, document=change_rows("reviews.findingevidence", lambda row: row["fields"].update(note=7))),
        "field 'note': 7 is not a valid",
        title="Copy",
    )


@pytest.mark.django_db
def test_a_rule_of_the_database_is_enforced(archive):
    refuse(
        rewrite(archive, document=change_rows("reviews.finding", lambda row: row["fields"].update(priority=0))),
        "The findings break a rule of the database here",
        title="Copy",
    )


@pytest.mark.django_db
def test_a_models_own_checks_are_applied(archive, other_review):
    other_council = other_review.council
    level = ThresholdLevel.objects.create(council=other_council, order=99, label="Other level", legal_basis="s17")

    def point_the_case_at_another_councils_level(document):
        references = document["references"]
        references.append({"model": "reviews.council", "key": {"ons_code": other_council.ons_code}})
        key = {"council": {"ref": len(references) - 1}, "order": level.order}
        references.append({"model": "reviews.thresholdlevel", "key": key})
        for row in document["objects"]["reviews.case"]:
            row["fields"]["threshold_level"] = {"ref": len(references) - 1}
        return document

    data = rewrite(archive, document=point_the_case_at_another_councils_level)

    refuse(data, "Choose one of the council's own threshold levels.", title="Copy")


# Commands


@pytest.mark.django_db
def test_the_commands_export_and_import_with_a_summary(small_review, lead, tmp_path):
    path = tmp_path / "review.zip"
    out = io.StringIO()

    call_command("export_review", str(small_review.pk), str(path), "--user", "lead", stdout=out)
    call_command("import_review", str(path), "--title", "Imported by command", stdout=out)

    text = out.getvalue()
    assert f"Exported review {small_review.pk} ({small_review.title}) to {path}:" in text
    assert "reviews.documentversion: 2" in text
    copy = Review.objects.get(title="Imported by command")
    assert f"Imported review {copy.pk}: Imported by command ({copy.council})." in text
    assert "  Document versions: 2" in text
    assert "  Files: 3" in text
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (log.user, log.review, log.path) == (lead, small_review, f"manage.py export_review {small_review.pk}")


@pytest.mark.django_db
def test_the_import_command_says_who_was_created_inactive(small_review, admin_user, tmp_path):
    path = tmp_path / "review.zip"
    call_command("export_review", str(small_review.pk), str(path), "--user", admin_user.username, stdout=io.StringIO())
    get_user_model().objects.filter(username="lead").update(username="lead-renamed")
    out = io.StringIO()

    call_command("import_review", str(path), "--title", "Copy", stdout=out)

    assert (
        "inactive and without a password, so nobody can sign in as them until an administrator sets them up: lead"
        in out.getvalue()
    )


@pytest.mark.django_db
def test_the_import_command_refuses_a_bad_archive_with_a_message(tmp_path, small_review):
    path = tmp_path / "bad.zip"
    path.write_bytes(b"not a zip")

    with pytest.raises(CommandError, match="Nothing was imported. This file is not a ZIP archive"):
        call_command("import_review", str(path))


@pytest.mark.django_db
def test_the_export_command_refuses_an_unknown_review_or_user_and_an_existing_file(small_review, lead, tmp_path):
    existing = tmp_path / "existing.zip"
    existing.write_bytes(b"keep me")

    with pytest.raises(CommandError, match="There is no review 99999."):
        call_command("export_review", "99999", str(tmp_path / "a.zip"), "--user", "lead")
    with pytest.raises(CommandError, match="There is no user 'nobody'."):
        call_command("export_review", str(small_review.pk), str(tmp_path / "a.zip"), "--user", "nobody")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_review", str(small_review.pk), str(existing), "--user", "lead")
    assert existing.read_bytes() == b"keep me"
    assert not (tmp_path / "a.zip").exists()
    assert not AccessLog.objects.exists()


@pytest.fixture
def linked_review(small_review):
    """The review points at a previous review of its council and has a copy of a library questionnaire."""
    small_review.previous_review = ReviewFactory(council=small_review.council, title="Testshire review 2019")
    small_review.save()
    library = Questionnaire.objects.create(title="Staff questionnaire", audience="staff")
    library.sections.create(order=1, title="About you")
    library.copy_to(small_review)
    return small_review


@pytest.mark.django_db
def test_links_to_another_review_and_to_the_library_are_kept_when_they_exist_here(linked_review, lead):
    data = export(linked_review, lead)

    result = transfer.import_review(io.BytesIO(data), title="Copy")

    copy = result.review
    assert copy.previous_review == linked_review.previous_review
    assert copy.questionnaires.get().source == Questionnaire.objects.get(review=None, title="Staff questionnaire")
    assert copy.questionnaires.get().sections.get().title == "About you"
    assert Questionnaire.objects.filter(review=None).count() == 1
    assert result.notes == []


@pytest.mark.django_db
def test_links_to_another_review_and_to_the_library_are_left_empty_when_missing_here(linked_review, lead):
    def rename(document):
        for reference in document["references"]:
            if reference["model"] in {"reviews.review", "focusgroups.questionnaire"}:
                reference["key"]["title"] = "Not here"
        return document

    data = rewrite(export(linked_review, lead), document=rename)

    result = transfer.import_review(io.BytesIO(data), title="Copy")

    assert result.review.previous_review is None
    assert result.review.questionnaires.get().source is None
    assert sorted(result.notes) == [
        "Questionnaire title 'Not here' audience 'staff' is not in this installation; the link to it was left empty.",
        f"Review title 'Not here' of council ONS code '{linked_review.council.ons_code}' is not in this "
        "installation; the link to it was left empty.",
    ]


@pytest.mark.django_db
def test_a_missing_optional_shared_row_is_left_empty_and_a_needed_one_is_named(small_review, lead):
    theme = small_review.framework.themes.order_by("order").first()
    template = LineTemplate.objects.create(
        framework=small_review.framework, theme=theme, text="Is supervision regular?"
    )
    LineOfEnquiry.objects.create(review=small_review, theme=theme, text="Is supervision regular?", template=template)
    data = export(small_review, lead)
    template.delete()

    result = transfer.import_review(io.BytesIO(data), title="Copy")

    line = result.review.lines_of_enquiry.get()
    assert (line.template, line.theme) == (None, theme)
    framework = f"framework name '{small_review.framework.name}' version '{small_review.framework.version}'"
    assert result.notes == [
        f"Key line of enquiry (framework) text 'Is supervision regular?' of {framework} is not in this "
        "installation; the link to it was left empty."
    ]

    def move_theme(document):
        for reference in document["references"]:
            if reference["model"] == "reviews.theme":
                reference["key"]["order"] = 99
        return document

    refuse(
        rewrite(data, document=move_theme),
        f"lacks shared configuration the review needs: theme order '99' of {framework}.",
        title="Copy 2",
    )


@pytest.mark.django_db
def test_an_empty_new_title_is_refused(archive):
    refuse(archive, "The new title is empty.", title="   ")


# Hostile values: refused by record and field before anything is written


def command_refuses(data: bytes, tmp_path, message: str, *options: str) -> None:
    """The import command says nothing was imported and why, and leaves no row and no file behind."""
    path = tmp_path / "hostile.zip"
    path.write_bytes(data)
    counts, files = database_counts(), private_files()

    with pytest.raises(CommandError) as error:
        call_command("import_review", str(path), *options, stdout=io.StringIO())

    assert str(error.value) == f"Nothing was imported. {message}"
    assert database_counts() == counts
    assert private_files() == files


@pytest.mark.django_db
def test_deeply_nested_json_is_refused_before_it_is_parsed(archive, tmp_path):
    nested = b'{"format": "peerreview-review-export", "deep": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    data = rewrite(archive, members={transfer.JSON_NAME: nested})

    command_refuses(
        data,
        tmp_path,
        # Byte 110 is the 65th bracket opened.
        "review.json nests lists or objects more than 64 deep (at line 1, byte 110); an export is never that deep.",
    )


@pytest.mark.django_db
def test_brackets_and_escapes_inside_text_do_not_count_as_nesting(archive):
    brackets = '[{"\\' * 100 + "}]" * 100
    data = rewrite(archive, document=change_rows("reviews.finding", lambda row: row["fields"].update(detail=brackets)))

    result = transfer.import_review(io.BytesIO(data), title="Copy")

    assert result.review.findings.get().detail == brackets


@pytest.mark.django_db
def test_a_nul_byte_in_a_title_is_refused_naming_the_record_and_field(archive, small_review, tmp_path):
    data = rewrite(archive, document=change_rows("reviews.review", lambda row: row["fields"].update(title="Test\x00")))

    command_refuses(data, tmp_path, f"review {small_review.pk}, field 'title': Null characters are not allowed.")


@pytest.mark.django_db
def test_a_nul_byte_in_a_record_of_the_review_is_refused_naming_it(archive, small_review, tmp_path):
    case = small_review.cases.get()
    data = rewrite(archive, document=change_rows("reviews.case", lambda row: row["fields"].update(reference="C\x00")))

    refuse(
        data,
        f"case {case.pk}, field 'reference': Null characters are not allowed; "
        f"case {case.pk}, field 'reference': A case reference uses letters, digits and hyphens only, such as C-01.",
        title="Copy",
    )


@pytest.mark.django_db
def test_a_title_of_100000_characters_is_refused_naming_the_record_and_field(archive, small_review, tmp_path):
    data = rewrite(
        archive, document=change_rows("reviews.review", lambda row: row["fields"].update(title="T" * 100_000))
    )

    command_refuses(
        data,
        tmp_path,
        f"review {small_review.pk}, field 'title': Ensure this value has at most 200 characters (it has 100000).",
    )


@pytest.mark.django_db
def test_an_integer_out_of_range_is_refused_naming_the_record_and_field(archive, small_review, tmp_path):
    finding = small_review.findings.get()
    largest = connection.ops.integer_field_range("PositiveSmallIntegerField")[1]
    data = rewrite(archive, document=change_rows("reviews.finding", lambda row: row["fields"].update(priority=2**70)))

    command_refuses(
        data,
        tmp_path,
        f"finding {finding.pk}, field 'priority': Ensure this value is less than or equal to {largest}.",
        "--title",
        "Copy",
    )


@pytest.mark.django_db
def test_the_first_problems_are_named_together(archive, small_review):
    case = small_review.cases.get()

    def spoil(document):
        document["objects"]["reviews.case"][0]["fields"].update(reference="C\x00", age_band="ancient")
        document["objects"]["reviews.finding"][0]["fields"].update(priority=2**70)
        return document

    refuse(
        rewrite(archive, document=spoil),
        f"case {case.pk}, field 'reference': Null characters are not allowed; "
        f"case {case.pk}, field 'reference': A case reference uses letters, digits and hyphens only, such as C-01; "
        f"case {case.pk}, field 'age_band': Value 'ancient' is not a valid choice.",
        title="Copy",
    )
