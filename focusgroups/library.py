"""The questionnaire library in plain English: staff, partners, parents and carers, and children in two age bands.

Each question names its theme by the theme's order in the default framework (1 practice and the
voice of the child, 2 outcomes, 3 working together, 4 capacity, 5 leadership). Children's versions
share core questions through `core_key`, so that their results compare.
"""

from reviews.demo import upsert
from reviews.models import Framework

from .models import AgeBand, Audience, Question, Questionnaire, Section

A, F, S, C1, CM, T = "agree", "frequency", "score", "single", "multiple", "text"

# (title, audience, age band, simple pages, introduction, [(section, [(kind, text, theme order, core key, choices, safety)])])
LIBRARY = [
    (
        "Staff health check",
        Audience.STAFF,
        "",
        False,
        "This questionnaire asks about your work in children's social care, along the lines of the social work "
        "health check. It takes about ten minutes.",
        [
            (
                "Your work",
                [
                    (A, "My caseload is manageable.", 4, "", "", False),
                    (A, "I have regular supervision that helps me with my cases.", 1, "", "", False),
                    (A, "My supervision sessions usually last at least an hour and a half.", 4, "", "", False),
                    (A, "I can get hold of a manager when I need one.", 4, "", "", False),
                    (A, "My appraisal is up to date.", 4, "", "", False),
                ],
            ),
            (
                "Your service",
                [
                    (A, "I am consulted about changes that affect my work.", 5, "", "", False),
                    (A, "I understand the thresholds for help and protection.", 3, "", "", False),
                    (A, "Partner agencies share information with us when they should.", 3, "", "", False),
                    (
                        C1,
                        "How long have you worked here?",
                        None,
                        "",
                        "Less than a year\n1 to 3 years\nMore than 3 years",
                        False,
                    ),
                    (T, "What one thing would most improve how children are kept safe here?", 2, "", "", False),
                ],
            ),
        ],
    ),
    (
        "Partner agency staff questionnaire",
        Audience.PARTNERS,
        "",
        False,
        "For staff of the police, health, schools and other agencies who work with children's social care.",
        [
            (
                "Working together",
                [
                    (A, "I know how to make a referral when I am worried about a child.", 3, "", "", False),
                    (A, "I am told what happens after I make a referral.", 3, "", "", False),
                    (A, "Thresholds for help are applied consistently.", 3, "", "", False),
                    (A, "I am invited to meetings about children I work with.", 1, "", "", False),
                    (
                        CM,
                        "Which of these have you taken part in this year?",
                        3,
                        "",
                        "Strategy discussion\nChild protection conference\nCore group\nEarly help assessment",
                        False,
                    ),
                    (
                        T,
                        "What works well, and what should change, in working with children's social care?",
                        3,
                        "",
                        "",
                        False,
                    ),
                ],
            )
        ],
    ),
    (
        "Parents' and carers' questionnaire",
        Audience.PARENTS,
        "",
        False,
        "We want to hear what it has been like for you working with children's services. Your answers are anonymous.",
        [
            (
                "Working with you",
                [
                    (F, "I am included in decisions about my family.", 1, "", "", False),
                    (F, "I get reports before meetings, in time to read them.", 1, "", "", False),
                    (F, "I feel listened to.", 1, "", "", False),
                    (F, "I am treated with respect.", 1, "", "", False),
                    (S, "From 0 to 10, how much do you trust your social worker?", 2, "", "", False),
                    (T, "Is there anything else you would like to tell us?", 2, "", "", False),
                ],
            )
        ],
    ),
    (
        "Children's questionnaire (8 to 11)",
        Audience.CHILDREN,
        AgeBand.AGE_8_11,
        True,
        "We want to know what you think. There are no right or wrong answers.",
        [
            (
                "About you",
                [
                    (A, "I feel safe where I live.", 1, "feel-safe", "", True),
                    (A, "My social worker listens to me.", 1, "listened-to", "", False),
                    (A, "I know who my social worker is.", 1, "know-worker", "", False),
                    (
                        C1,
                        "How often do you see your social worker?",
                        1,
                        "how-often",
                        "Every week\nEvery few weeks\nHardly ever\nI don't know",
                        False,
                    ),
                    (T, "What would make things better for you?", 2, "make-better", "", False),
                ],
            )
        ],
    ),
    (
        "Young people's questionnaire (11 to 17)",
        Audience.CHILDREN,
        AgeBand.AGE_11_17,
        True,
        "Tell us what it is like for you. There are no right or wrong answers.",
        [
            (
                "About you",
                [
                    (A, "I feel safe where I live.", 1, "feel-safe", "", True),
                    (A, "My social worker listens to me and takes my views seriously.", 1, "listened-to", "", False),
                    (A, "I know who my social worker is and how to contact them.", 1, "know-worker", "", False),
                    (A, "I have had a say in my plan.", 1, "", "", False),
                    (
                        C1,
                        "How often do you see your social worker?",
                        1,
                        "how-often",
                        "Every week\nEvery few weeks\nHardly ever\nI don't know",
                        False,
                    ),
                    (T, "What would make things better for you?", 2, "make-better", "", False),
                ],
            )
        ],
    ),
]


def ensure_library() -> list[Questionnaire]:
    """Create or update the library questionnaires; running it twice changes nothing."""
    framework = Framework.objects.filter(is_default=True).order_by("pk").first()
    themes = {theme.order: theme for theme in framework.themes.all()} if framework else {}
    made = []
    for title, audience, age_band, simple, introduction, sections in LIBRARY:
        questionnaire = upsert(
            Questionnaire,
            {"title": title, "review": None},
            {
                "audience": audience,
                "age_band": age_band,
                "simple_pages": simple,
                "introduction": introduction,
                # Staff and partners may say which agency or team they are in; parents and children are not asked.
                "ask_segment": audience in {Audience.STAFF, Audience.PARTNERS},
            },
        )
        for section_order, (section_title, questions) in enumerate(sections, start=1):
            section = upsert(
                Section, {"questionnaire": questionnaire, "order": section_order}, {"title": section_title}
            )
            for order, (kind, text, theme, core_key, choices, safety) in enumerate(questions, start=1):
                upsert(
                    Question,
                    {"section": section, "order": order},
                    {
                        "text": text,
                        "kind": kind,
                        "theme": themes.get(theme),
                        "core_key": core_key,
                        "choices": choices,
                        "safety_check": safety,
                    },
                )
        made.append(questionnaire)
    return made
