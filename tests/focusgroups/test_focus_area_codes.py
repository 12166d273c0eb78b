"""A finding raised from a passage coded with a focus area's or a circumstance's code carries that area, so the
evidence coverage counts the focus groups as a source for it."""

from focusgroups import services
from focusgroups.models import Code
from reviews.models import Finding, FocusArea

from .conftest import make_group

NOTES = "Return interviews follow every missing episode."


def finding_url(coding) -> str:
    return f"/reviews/{coding.review_id}/focus-groups/codings/{coding.pk}/finding/"


def test_the_finding_form_ticks_the_codes_circumstance(review, peer, peer_client):
    missing = review.framework.focus_areas.get(kind=FocusArea.Kind.CIRCUMSTANCE, order=3)
    code = Code.objects.create(review=review, name="Missing children", focus_area=missing)
    coding = services.code_passage(
        group=make_group(review, notes=NOTES), code=code, start=0, end=47, coder=peer, version=1
    )

    response = peer_client.get(finding_url(coding))

    assert response.status_code == 200
    assert response.context["form"].initial["focus_areas"] == [missing.pk]


def test_a_finding_from_a_coded_passage_keeps_the_areas_ticked(review, peer, peer_client):
    missing = review.framework.focus_areas.get(kind=FocusArea.Kind.CIRCUMSTANCE, order=3)
    pathways = review.framework.focus_areas.get(kind=FocusArea.Kind.FOCUS, order=1)
    code = Code.objects.create(review=review, name="Missing children", focus_area=missing)
    coding = services.code_passage(
        group=make_group(review, notes=NOTES), code=code, start=0, end=47, coder=peer, version=1
    )

    response = peer_client.post(
        finding_url(coding),
        {
            "summary": "Return interviews are timely",
            "kind": "strength",
            "theme": review.framework.themes.get(order=1).pk,
            "focus_areas": [missing.pk, pathways.pk],
        },
    )

    finding = Finding.objects.get()
    assert response.status_code == 302
    assert (finding.stage, set(finding.focus_areas.all())) == ("focus-groups", {missing, pathways})


def test_an_area_left_out_of_scope_is_refused_on_a_finding_from_a_passage(review, peer, peer_client):
    missing = review.framework.focus_areas.get(kind=FocusArea.Kind.CIRCUMSTANCE, order=3)
    review.excluded_focus_areas.add(missing)
    code = Code.objects.create(review=review, name="Missing children")
    coding = services.code_passage(
        group=make_group(review, notes=NOTES), code=code, start=0, end=47, coder=peer, version=1
    )

    response = peer_client.post(
        finding_url(coding),
        {
            "summary": "Return interviews are timely",
            "kind": "strength",
            "theme": review.framework.themes.get(order=1).pk,
            "focus_areas": [missing.pk],
        },
    )

    assert response.status_code == 200  # the form again, with its errors
    assert f"“{missing.title}” is not" in response.content.decode()
    assert not Finding.objects.exists()


def test_the_outsider_gets_404_on_a_finding_from_a_passage(review, peer, outsider_client):
    code = Code.objects.create(review=review, name="Missing children")
    coding = services.code_passage(
        group=make_group(review, notes=NOTES), code=code, start=0, end=47, coder=peer, version=1
    )

    response = outsider_client.get(finding_url(coding))

    assert response.status_code == 404
