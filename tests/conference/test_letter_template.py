"""The programme's letter template: seeded by a migration, edited in admin, checked before it is saved."""

import importlib

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from conference.models import LetterTemplate, render_wording

migration = importlib.import_module("conference.migrations.0006_letter_html_and_default_template")


def test_a_default_template_is_seeded_and_current(db):
    template = LetterTemplate.objects.current()

    assert template.name == "Default letter (programme)"
    assert template.salutation == "Dear {{ addressee.name }},"
    template.full_clean()


def test_the_template_is_edited_in_admin(admin_user, client):
    client.force_login(admin_user)
    template = LetterTemplate.objects.current()

    listing = client.get(reverse("admin:conference_lettertemplate_changelist"))
    change = client.get(reverse("admin:conference_lettertemplate_change", args=[template.pk]))

    assert LetterTemplate in admin.site._registry
    assert listing.status_code == 200 and change.status_code == 200
    assert "{{ addressee.name }}" in change.content.decode()


def test_a_placeholder_django_cannot_read_is_refused_naming_the_part(db):
    template = LetterTemplate.objects.current()
    template.opening = "Dear {% if %}"
    template.sign_off = "{{ lead.name|no_such_filter }}"

    with pytest.raises(ValidationError) as refused:
        template.full_clean()

    assert set(refused.value.message_dict) == {"opening", "sign_off"}
    assert refused.value.message_dict["opening"][0].startswith("This wording has a placeholder Django cannot read")


def test_only_one_template_is_current(db):
    with pytest.raises(IntegrityError):
        LetterTemplate.objects.create(
            name="Second",
            is_current=True,
            opening="",
            scope="",
            work="",
            strengths="",
            areas="",
            priorities="",
            next_steps="",
        )


def test_wording_is_escaped_and_can_load_nothing(db):
    context = {"council": "<b>Northmoor</b>", "addressee": {"name": "Ruth & Co"}}

    assert render_wording("{{ council }} for {{ addressee.name }}", context) == (
        "&lt;b&gt;Northmoor&lt;/b&gt; for Ruth &amp; Co"
    )
    for hostile in ['{% include "base.html" %}', "{% load static %}{% static 'x' %}", '{% extends "base.html" %}']:
        with pytest.raises(Exception):  # noqa: B017, PT011 - no loader and no libraries: any of Django's refusals
            render_wording(hostile, context)


def test_the_plain_text_letters_of_the_first_version_become_html():
    text = "## Context and scope\n\nThe review of <Northmoor> & partners.\nSecond line.\n\n## Priorities\n\n1. First\n2. Second\n\nStrengths:\n- One\n- Two"

    assert migration.plain_text_to_html(text) == (
        "<h2>Context and scope</h2>\n"
        "<p>The review of &lt;Northmoor&gt; &amp; partners.<br>Second line.</p>\n"
        "<h2>Priorities</h2>\n"
        "<ol><li>First</li><li>Second</li></ol>\n"
        "<p>Strengths:</p>\n"
        "<ul><li>One</li><li>Two</li></ul>"
    )
