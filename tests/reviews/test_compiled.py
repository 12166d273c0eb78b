"""The queries every signed-in page makes, with SQL made once a process (reviews/compiled.py): the same SQL, the same
instances and the same answers as the ORM's, and the same refusals (an ended membership, an inactive account, a
device of another account)."""

import gc
import threading
import weakref

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from reviews import backends, middleware, two_factor
from reviews.compiled import Compiled, NotCompilable
from reviews.models import ReviewMembership

from ..factories import UserFactory

RELATED = ("review__council", "review__framework", "review__grade_scale")


def membership_queryset(review_id, user_id):
    return ReviewMembership.objects.filter(review_id=review_id, user_id=user_id).select_related(*RELATED)[:1]


def field_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


@pytest.mark.django_db
def test_the_membership_is_read_by_the_same_sql_into_the_same_instances(review, lead):
    with CaptureQueriesContext(connection) as orm_queries:
        expected = list(membership_queryset(review.pk, lead.pk))
    with CaptureQueriesContext(connection) as compiled_queries:
        found = middleware._MEMBERSHIP(review.pk, lead.pk)

    assert [query["sql"] for query in compiled_queries] == [query["sql"] for query in orm_queries]
    assert len(found) == 1 and found[0].pk == expected[0].pk
    assert field_values(found[0]) == field_values(expected[0])
    for path in ("review", "review.council", "review.framework", "review.grade_scale"):
        want, got = expected[0], found[0]
        for step in path.split("."):
            want, got = getattr(want, step), getattr(got, step)
        assert field_values(got) == field_values(want)
    with CaptureQueriesContext(connection) as later:  # the related rows came with it: nothing more is asked
        assert found[0].review.council.name and found[0].review.grade_scale_id == found[0].review.grade_scale.pk
    assert len(later) == 0
    assert found[0]._state.db == "default" and not found[0]._state.adding


@pytest.mark.django_db
def test_each_call_takes_its_own_values(review, other_review, lead, outsider):
    assert middleware._MEMBERSHIP(review.pk, outsider.pk) == []
    assert middleware._MEMBERSHIP(other_review.pk, outsider.pk)[0].user_id == outsider.pk
    assert middleware._MEMBERSHIP(review.pk, lead.pk)[0].user_id == lead.pk
    assert middleware._MEMBERSHIP(other_review.pk, lead.pk) == []


@pytest.mark.django_db
def test_an_ended_membership_closes_the_review_at_once(review, lead, lead_client):
    url = reverse("reviews:overview", args=[review.pk])
    assert lead_client.get(url).status_code == 200
    ReviewMembership.objects.filter(review=review, user=lead).delete()
    assert lead_client.get(url).status_code == 404


@pytest.mark.django_db
def test_the_account_is_read_as_the_orm_reads_it_and_an_inactive_one_is_refused(lead, client, review):
    backend = backends.ModelBackendOneQuery()
    expected = get_user_model().objects.get(pk=lead.pk)
    with CaptureQueriesContext(connection) as captured:
        found = backend.get_user(lead.pk)
    assert len(captured) == 1
    assert field_values(found) == field_values(expected)
    assert backend.get_user(10**9) is None
    assert backend.get_user(str(lead.pk)).pk == lead.pk  # not an integer: Django's own way

    client.force_login(lead)
    url = reverse("reviews:overview", args=[review.pk])
    assert client.get(url).status_code == 200
    get_user_model().objects.filter(pk=lead.pk).update(is_active=False)
    assert backend.get_user(lead.pk) is None
    assert client.get(url).status_code == 302  # signed out: sent to sign in


@pytest.mark.django_db
def test_the_sessions_device_is_read_by_its_kind_and_a_device_of_another_account_is_none(rf, lead):
    other = UserFactory(username="someone-else")
    app = TOTPDevice.objects.create(user=lead, name="app", confirmed=True)
    codes = StaticDevice.objects.create(user=lead, name="codes", confirmed=True)
    theirs = TOTPDevice.objects.create(user=other, name="app", confirmed=True)
    unconfirmed = TOTPDevice.objects.create(user=lead, name="new", confirmed=False)
    otp = two_factor.OTPMiddleware(lambda request: None)

    def verified_device(persistent_id):
        request = rf.get("/")
        request.session = {DEVICE_ID_SESSION_KEY: persistent_id}
        request.user = get_user_model().objects.get(pk=lead.pk)
        otp._install_lazy_accessors(request)
        return request.user.otp_device, request.session

    for device in (app, codes):
        found, session = verified_device(device.persistent_id)
        assert found == device and type(found) is type(device) and field_values(found) == field_values(device)
        assert DEVICE_ID_SESSION_KEY in session
    for persistent_id in (theirs.persistent_id, unconfirmed.persistent_id, "otp_totp.totpdevice/999999999",
                          "otp_totp.totpdevice/x1", "otp_totp.totpdevice/", "nothing",
                          "otp_totp.totpdevice/" + "9" * 40):  # fmt: skip
        found, session = verified_device(persistent_id)
        assert found is None, persistent_id
        assert DEVICE_ID_SESSION_KEY not in session  # django-otp's rule: a device that does not count is forgotten


@pytest.mark.django_db
def test_only_plain_querysets_on_integer_values_are_compiled(review, lead):
    with pytest.raises(NotCompilable):
        Compiled(lambda pk: ReviewMembership.objects.filter(pk=pk).annotate(n=Count("review__memberships")))(1)
    with pytest.raises(NotCompilable):
        Compiled(lambda pk: ReviewMembership.objects.filter(pk=pk).values("role"))(1)
    with pytest.raises(NotCompilable):
        Compiled(lambda pk: ReviewMembership.objects.filter(pk=pk).only("role"))(1)
    with pytest.raises(NotCompilable):
        Compiled(lambda pk: ReviewMembership.objects.filter(pk=pk).prefetch_related("review"))(1)
    with pytest.raises(NotCompilable):  # a value the SQL does not hold once
        Compiled(lambda pk: ReviewMembership.objects.filter(review_id=review.pk))(1)
    compiled = Compiled(membership_queryset, arity=2)
    with pytest.raises(TypeError):
        compiled(review.pk)
    with pytest.raises(TypeError):
        compiled(str(review.pk), lead.pk)
    with pytest.raises(TypeError):
        compiled(True, lead.pk)
    assert compiled(review.pk, lead.pk)[0].user_id == lead.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the thread reads what the test wrote
def test_a_threads_compiled_sql_goes_with_its_connection(review, lead):
    gone = []

    def in_a_thread():
        assert middleware._MEMBERSHIP(review.pk, lead.pk)[0].user_id == lead.pk
        gone.append(weakref.ref(connections["default"]))
        connections.close_all()

    for _ in range(3):
        thread = threading.Thread(target=in_a_thread)
        thread.start()
        thread.join()
    gc.collect()
    assert len(gone) == 3 and all(ref() is None for ref in gone)


def test_a_value_written_into_the_sql_itself_is_refused(db):
    with pytest.raises(NotCompilable):  # a slice's LIMIT would keep the first value for ever
        Compiled(lambda n: ReviewMembership.objects.filter(pk__gte=n)[:n])(5)


@pytest.mark.django_db
def test_a_links_questionnaire_is_read_by_its_token_as_the_orm_reads_it_with_or_without_settings(review, other_review):
    from focusgroups import views
    from focusgroups.models import Questionnaire, QuestionnaireSettings

    from ..focusgroups.conftest import make_questionnaire

    with_settings = make_questionnaire(review)
    QuestionnaireSettings.objects.create(review=review, minimum_group=7, help_text="Call Childline on 0800 1111.")
    without = make_questionnaire(other_review, title="Pupil voice")

    for questionnaire in (with_settings, without):
        orm = Questionnaire.objects.filter(token=questionnaire.token, review__isnull=False).select_related(
            "review__questionnaire_settings"
        )[:1]
        with CaptureQueriesContext(connection) as orm_queries:
            expected = list(orm)[0]
        with CaptureQueriesContext(connection) as compiled_queries:
            found = views._LINKED(questionnaire.token)[0]
        assert [query["sql"] for query in compiled_queries] == [query["sql"] for query in orm_queries]
        assert field_values(found) == field_values(expected)
        assert field_values(found.review) == field_values(expected.review)
        with CaptureQueriesContext(connection) as later:  # the settings, or their absence, came with it
            settings = QuestionnaireSettings.for_review(found.review)
        assert len(later) == 0
        assert settings.minimum_group == (7 if questionnaire is with_settings else 5)
        assert (settings.pk is not None) == (questionnaire is with_settings)
    assert views._LINKED("token-nothing-like-it") == []
    assert views._LINKED(with_settings.token.upper()) == []  # compared as it is, as the ORM's exact lookup does
    with pytest.raises(TypeError):
        views._LINKED(with_settings.pk)


@pytest.mark.django_db
def test_a_questionnaires_questions_come_in_order_as_the_orm_gives_them(review):
    from focusgroups import views
    from focusgroups.models import Question

    from ..focusgroups.conftest import make_questionnaire

    questionnaire = make_questionnaire(review)
    expected = list(
        Question.objects.filter(section__questionnaire=questionnaire)
        .select_related("section")
        .order_by("section__order", "order")
    )

    found = views._questions(questionnaire)

    assert [field_values(question) for question in found] == [field_values(question) for question in expected]
    assert [question.section.title for question in found] == [question.section.title for question in expected]


@pytest.mark.django_db
def test_text_is_compiled_only_where_it_is_passed_as_it_is(db):
    from focusgroups.models import Questionnaire

    with pytest.raises(NotCompilable):  # icontains passes "%text%": the value is not the one given
        Compiled(lambda token: Questionnaire.objects.filter(token__icontains=token), text=(True,))("abc")
    with pytest.raises(ValueError):
        Compiled(lambda token: Questionnaire.objects.filter(token=token), arity=1, text=(True, False))
    compiled = Compiled(lambda token, pk: Questionnaire.objects.filter(token=token, pk=pk), arity=2, text=(True, False))
    with pytest.raises(TypeError):
        compiled(1, 1)
    assert compiled("abc", 1) == []
