"""Splitting focus-group notes into sentences, knowing the abbreviations safeguarding notes are full of."""

import re

# Words that end with a full stop without ending the sentence: safeguarding notes cite sections and paragraphs
# (s.47, ss.17-20, para. 3), titles (Dr., DS., Cllr.), references (Nos. 4, p. 12, ref.) and Latin (e.g., i.e.).
# A full stop before a digit or a word in lower case never ends a sentence either, so "No. 4" and "approx. 20"
# need no entry; "no" and "etc" are left out because they so often do end one.
WORDS = """
    s ss sec secs sch ch para paras art arts reg regs r rr cl pt vol nos p pp ref fig app
    e.g eg i.e ie viz cf vs v al ca approx incl esp n.b nb a.m p.m
    dr mr mrs ms mx prof rev cllr sr jr st supt insp det sgt ds di dc dci pc cst
    dept govt ltd tel ext wk wks yr yrs hr hrs mins
    jan feb apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri
"""
ABBREVIATIONS = frozenset(WORDS.split())
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)")
WORD_BEFORE = re.compile(r"[\w.]*$")


def spans(text: str) -> list[tuple[int, int]]:
    """Where each sentence of a paragraph starts and ends, without the spaces around it.

    A full stop ends a sentence only when a space or the end follows, the word before it is not a known
    abbreviation or an initial, and the next word does not start in lower case or with a digit.
    """
    cuts = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        if match.group().startswith(".") and not _ends_sentence(text, match.start(), match.end()):
            continue
        cuts.append((start, match.end()))
        start = match.end()
    cuts.append((start, len(text)))
    found = []
    for begin, end in cuts:
        piece = text[begin:end]
        if piece.strip():
            found.append((begin + len(piece) - len(piece.lstrip()), begin + len(piece.rstrip())))
    return found


def _ends_sentence(text: str, dot: int, end: int) -> bool:
    word = WORD_BEFORE.search(text[:dot]).group().lower()
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    following = text[end:].lstrip()[:1]
    return not (following.islower() or following.isdigit())
