"""Which free-text answers may be a disclosure: the words that raise a safeguarding alert.

Children do not write the phrases an adult would list. "My stepdad hurts me", "I dont feel safe at home", "he touches
me at night and says its a secret" and "I want to kill myself" must all raise an alert, however they are spelt
or punctuated. So:

- the text is read in lower case, with apostrophes dropped ("don't" and "dont" read the same) and anything that is
  not a letter or a digit read as a space;
- a phrase matches whole words, each word also in its usual forms ("hurt me" matches "hurts me" and "hurting me"),
  so "hit me" never matches "white meat";
- a questionnaire for children or for parents and carers is read with the phrases below, which cannot be turned
  off; every questionnaire is also read with the review's own (its questionnaire settings' concern phrases, one a
  line, read the same way).

A false alarm costs the safeguarding lead a minute; a missed disclosure can cost a child. The list leans towards
raising an alert.
"""

import re
from functools import lru_cache

# Read in every answer to a questionnaire for children or for parents and carers, whose answers are about a child's
# own life. Whole words, read as above; "(a|b)" is one of several words, and every word also matches its usual
# endings. (Staff and partners' questionnaires are read with the review's own phrases only: their answers speak of
# abuse, neglect and drugs as their work, and would raise an alert each.)
FOR_CHILDREN = (
    # Harm to themselves
    "kill myself",
    "end my life",
    "want to die",
    "wanna die",
    "wish i (was|were) dead",
    "dont want to (be alive|live)",
    "suicide",
    "suicidal",
    "self harm",
    "hurt myself",
    "cut myself",
    "overdose",
    # Not safe, afraid
    "not safe",
    "unsafe",
    "(dont|do not|never|not) feel safe",
    "scared",
    "frightened",
    "afraid",
    "terrified",
    # Someone hurting them or those they live with
    "(hurt|hit|beat|kick|punch|slap|smack|burn|choke|strangle|bite|stab) (me|us)",
    "(hurt|hit|beat|kick|punch|slap|smack|burn|choke|strangle|stab) (my|our) (mum|mother|dad|father|brother|sister|baby|son|daughter|child|children|kids)",
    "(was|been|get|got|keep getting) (hurt|hit|beat|kick|punch|slap|smack|burn|choke|strangle|stab)",
    "abuse",
    "bruise",
    # Someone touching them, secrets
    "touch (me|my)",
    "private parts",
    "(a|our|its) secret",
    "keep (it|this) (a secret|secret)",
    "not allowed to tell",
    "dont tell anyone",
    "rape",
    "naked",
    "(photo|picture|pic|video) of me",
    "send (nudes|pics|photos|pictures)",
    # Neglect, being shut out
    "no food",
    "nothing to eat",
    "always hungry",
    "locked (in|out)",
    "kicked out",
    "home alone",
    "sleep (outside|on the street|in the car)",
    # Exploitation, running away
    "owe (money|them|him|her)",
    "county lines",
    "drugs",
    "groom",
    "(run|ran) away",
)

# The usual endings of an English word: "hurt" also reads "hurts", "hurting"; "touch", "touches"; "hit", "hitting";
# "beat", "beaten"; "slap", "slapped".
_ENDINGS = "(?:s|es|ed|d|en|ing|[bdgkmnpt](?:ing|ed|en))?"


def normalised(text: str) -> str:
    """The text as phrases are matched against it: lower case, apostrophes dropped, anything else that is not a
    letter or a digit a single space."""
    lowered = str(text).lower()
    for apostrophe in ("'", "\u2019", "\u2018", "`"):
        lowered = lowered.replace(apostrophe, "")
    return " ".join(re.sub(r"[\W_]+", " ", lowered).split())


def _words(phrase: str) -> str:
    """A phrase as a pattern: each word with its endings, a bracketed choice as one of its (normalised) choices."""
    parts = []
    for part in re.findall(r"\([^)]*\)|[^\s()]+", phrase):
        if part.startswith("("):
            parts.append("(?:" + "|".join(_words(choice) for choice in part[1:-1].split("|")) + ")")
        else:
            parts.extend(re.escape(word) + _ENDINGS for word in normalised(part).split())
    return " ".join(parts)


@lru_cache(maxsize=256)
def _matchers(phrases: tuple[str, ...]) -> list[tuple[str, re.Pattern]]:
    return [(phrase, re.compile(r"(?<!\w)" + _words(phrase) + r"(?!\w)")) for phrase in phrases if normalised(phrase)]


def concern_in(text: str, own_phrases: tuple[str, ...] = (), *, about_a_child: bool = False) -> str | None:
    """The words of the text that match a phrase (as read: "dont feel safe"), or None: the review's own phrases, and
    for a questionnaire whose answers are about a child's own life (`about_a_child`), the phrases above."""
    if not text:
        return None
    read = normalised(text)
    for _phrase, pattern in _matchers((*(FOR_CHILDREN if about_a_child else ()), *own_phrases)):
        found = pattern.search(read)
        if found:
            return found.group(0)
    return None
