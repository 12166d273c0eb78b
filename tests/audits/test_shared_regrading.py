"""Small teams share regrading among peers and the lead: any peer writer can be given a case."""

import re

from django.urls import reverse

from audits import todo
from audits.models import Validation
from reviews.models import Role

from ..factories import MembershipFactory, UserFactory
from .conftest import regrade_data
from .helpers import make_audit
from .test_regrading import _stage_routes


def test_the_lead_assigns_a_case_to_a_peer(review, peer, lead_client):
    audit = make_audit(review, "C-01")

    response = lead_client.post(
        reverse("audits:sample", args=[review.pk]), {"assign": "1", "audit": audit.pk, "auditor": peer.pk}
    )

    assert response.status_code == 302
    assert Validation.objects.get(audit=audit).auditor == peer


def test_the_lead_assigns_a_case_to_themself(review, lead, lead_client):
    audit = make_audit(review, "C-01")

    response = lead_client.post(
        reverse("audits:sample", args=[review.pk]), {"assign": "1", "audit": audit.pk, "auditor": lead.pk}
    )

    assert response.status_code == 302
    assert Validation.objects.get(audit=audit).auditor == lead


def test_assigning_to_an_observer_a_host_member_or_an_outsider_is_refused(
    review, observer, sponsor, outsider, lead_client
):
    audit = make_audit(review, "C-01")
    url = reverse("audits:sample", args=[review.pk])

    bodies = [
        lead_client.post(url, {"assign": "1", "audit": audit.pk, "auditor": person.pk}).content.decode()
        for person in (observer, sponsor, outsider)
    ]
    missing = lead_client.post(url, {"assign": "1", "audit": audit.pk}).content.decode()
    wrong_type = lead_client.post(url, {"assign": "1", "audit": audit.pk, "auditor": "hb"}).content.decode()

    for body in bodies + [wrong_type]:
        assert "Choose a member of this review&#x27;s peer team (an observer or the council cannot regrade)." in body
    assert "Choose who regrades the case." in missing
    assert Validation.objects.count() == 0


def test_a_drawn_sample_is_shared_among_the_chosen_peers_in_turn(review, lead, peer, lead_client):
    for number in range(4):
        make_audit(review, f"S-{number:02d}")

    response = lead_client.post(
        reverse("audits:sample", args=[review.pk]),
        {"draw": "1", "size": 4, "seed": 7, "auditors": [lead.pk, peer.pk]},
    )

    assert response.status_code == 302
    counts = {user: Validation.objects.filter(auditor=user).count() for user in (lead, peer)}
    assert counts == {lead: 2, peer: 2}


def test_a_draw_with_no_one_to_regrade_or_an_observer_is_refused_and_nothing_drawn(review, observer, lead_client):
    make_audit(review, "S-01")
    url = reverse("audits:sample", args=[review.pk])

    nobody = lead_client.post(url, {"draw": "1", "size": 1, "seed": 7}).content.decode()
    watcher = lead_client.post(url, {"draw": "1", "size": 1, "seed": 7, "auditors": [observer.pk]}).content.decode()

    assert "Choose at least one member of the peer team to regrade the drawn cases." in nobody
    assert "Choose members of this review&#x27;s peer team (an observer or the council cannot regrade)." in watcher
    assert Validation.objects.count() == 0


def test_the_draw_form_ticks_the_case_auditors_at_first(review, case_auditor, peer, lead_client):
    body = lead_client.get(reverse("audits:sample", args=[review.pk])).content.decode()

    ticked = re.findall(r'name="auditors"[^>]*value="(\d+)"\s*checked', body)
    assert ticked == [str(case_auditor.pk)]


def test_a_peer_given_a_case_regrades_it_and_sees_it_in_their_tasks(review, peer, tool, grades, peer_client):
    validation = Validation.objects.create(review=review, audit=make_audit(review, "C-01"), auditor=peer)
    url = reverse("audits:validation_detail", args=[review.pk, validation.pk])
    tasks = todo.tasks(peer, review.onsite_start)

    page = peer_client.get(url)
    response = peer_client.post(url, regrade_data(tool, [grades[2].pk] * 9, grades[2].pk, validation.version))

    assert [task.title for task in tasks] == ["Case C-01"]
    assert "Submit my grades" in page.content.decode()
    assert response.status_code == 302
    assert Validation.objects.get(pk=validation.pk).status == Validation.Status.REGRADED


def test_a_lead_regrading_a_case_does_not_see_the_councils_grades_of_it_before_submitting(
    review, lead, secret_audit, lead_client
):
    Validation.objects.create(review=review, audit=secret_audit, auditor=lead)
    values = {"review_id": review.pk, "validation_id": secret_audit.validation.pk, "audit_id": secret_audit.pk}
    leaks = []

    for route in _stage_routes():
        url = "/" + re.sub(r"<int:(\w+)>", lambda match: str(values[match.group(1)]), route)
        body = lead_client.get(url).content.decode("utf-8", "replace")
        if "COUNCIL-SECRET-NARRATIVE" in body:
            leaks.append(url)
    detail = lead_client.get(reverse("audits:audit_detail", args=[review.pk, secret_audit.pk]))
    listing = lead_client.get(reverse("audits:audit_list", args=[review.pk])).content.decode()

    assert leaks == []
    assert detail.status_code == 403
    assert "Hidden until you submit your own grades" in listing


def test_a_peer_from_another_review_is_not_offered(review, other_review, lead_client):
    stranger = UserFactory(username="stranger", first_name="Sam", last_name="Stranger")
    MembershipFactory(review=other_review, user=stranger, role=Role.PEER)

    body = lead_client.get(reverse("audits:sample", args=[review.pk])).content.decode()

    assert "Sam Stranger" not in body
