from interviews.models import LineOfEnquiry, LineTemplate


def test_the_lead_copies_the_frameworks_lines_once(review, lead_client):
    theme = review.framework.themes.get(order=2)
    LineTemplate.objects.create(framework=review.framework, theme=theme, text="What has changed for children?")
    url = f"/reviews/{review.pk}/interviews/lines/adopt/"

    first = lead_client.post(url)
    second = lead_client.post(url, follow=True)

    assert first.status_code == 302
    assert list(review.lines_of_enquiry.values_list("text", "theme")) == [("What has changed for children?", theme.pk)]
    assert "The review already has every line of enquiry of its framework." in second.content.decode()


def test_a_review_edits_its_own_line_without_touching_the_framework(review, lead_client, line):
    template = LineTemplate.objects.create(framework=review.framework, theme=line.theme, text="Framework wording")
    line.template = template
    line.save()

    response = lead_client.post(
        f"/reviews/{review.pk}/interviews/lines/{line.pk}/edit/",
        {"text": "Local wording", "theme": line.theme_id, "scope_area": "", "version": 1},
    )

    line.refresh_from_db()
    template.refresh_from_db()
    assert response.status_code == 302
    assert (line.text, line.scope_area, line.version) == ("Local wording", None, 2)
    assert template.text == "Framework wording"


def test_a_line_needs_a_theme_or_scope_area_of_the_reviews_framework(review, lead_client, other_review):
    from reviews.models import Framework, Theme

    alien_framework = Framework.objects.create(name="Another framework", version="1")
    alien = Theme.objects.create(framework=alien_framework, order=1, name="Alien theme")

    missing = lead_client.post(f"/reviews/{review.pk}/interviews/lines/new/", {"text": "Orphan line"})
    foreign = lead_client.post(f"/reviews/{review.pk}/interviews/lines/new/", {"text": "Alien", "theme": alien.pk})

    assert missing.context["form"].errors == {"theme": ["Choose a theme, a scope area or both."]}
    assert foreign.context["form"].errors == {"theme": ["Choose a theme of this review's framework."]}
    assert not LineOfEnquiry.objects.exists()


def test_a_stale_line_edit_is_refused(review, lead_client, line):
    LineOfEnquiry.objects.filter(pk=line.pk).update(version=3)

    response = lead_client.post(
        f"/reviews/{review.pk}/interviews/lines/{line.pk}/edit/",
        {"text": "Late", "theme": line.theme_id, "version": 2},
    )

    line.refresh_from_db()
    assert "changed by someone else after you opened it" in response.content.decode()
    assert line.text == "How well do agencies share?"


def test_a_duplicate_line_is_refused(review, lead_client, line):
    response = lead_client.post(
        f"/reviews/{review.pk}/interviews/lines/new/", {"text": line.text, "theme": line.theme_id}
    )

    assert response.context["form"].errors == {"text": ["This review already has that line of enquiry."]}


def test_host_roles_and_observers_read_lines_but_cannot_change_them(review, sponsor_client, observer_client, line):
    for client in (sponsor_client, observer_client):
        assert client.get(f"/reviews/{review.pk}/interviews/lines/").status_code == 200
        assert client.post(f"/reviews/{review.pk}/interviews/lines/new/", {"text": "X"}).status_code == 403
        assert client.post(f"/reviews/{review.pk}/interviews/lines/adopt/").status_code == 403
    assert LineOfEnquiry.objects.count() == 1


def test_a_line_of_another_review_is_404(review, lead_client, other_line):
    response = lead_client.get(f"/reviews/{review.pk}/interviews/lines/{other_line.pk}/edit/")

    assert response.status_code == 404
