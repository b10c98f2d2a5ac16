"""Names in running text: the leading noun phrase of a sentence, and the office an
instruction reaches ("Then call Security", "Notify Public Safety at 555-0100").

:mod:`resource_catalog.pages.reading.listing` names listings with these when the
profile reads names inside sentences (``name.phrase``) and, from version 2, turns a name
written as an instruction into the office it reaches.
"""

from __future__ import annotations

import re
from typing import Final

from resource_catalog.contacts.fold import fold
from resource_catalog.pages.text import collapse

__all__ = ["leading_phrase", "reached_by"]

#: Lower-case words a name may hold between its capitalised words.
_JOINING: Final = frozenset({"of", "and", "for", "the", "&", "at", "in", "on", "to", "de", "du"})
_WORD_END: Final = ",;:.!?"
#: Words a sentence may start with before the name it is about.
_LEAD_INS: Final = frozenset(
    {"our", "your", "contact", "call", "visit", "email", "notify", "try", "see", "ask", "reach"}
)
#: Words a sentence starts with that never start a name (quantifiers, conjunctions,
#: pronouns: "Everyone in the University community ...").
_NOT_NAMES: Final = frozenset(
    {
        "several", "many", "some", "most", "all", "each", "every", "any", "other", "these",
        "those", "this", "if", "when", "while", "for", "to", "as", "because", "although",
        "however", "also", "there", "here", "it", "we", "you", "they", "everyone",
        "everybody", "anyone", "anybody", "someone", "somebody", "both", "either", "neither",
    }
)  # fmt: skip
#: A dash standing alone between a name and what it says ("Emergency Services - Police").
_DASHES: Final = frozenset({"-", "\u2013", "\u2014"})
_ACRONYM: Final = re.compile(r"(\([A-Z][A-Za-z0-9&]{1,9}\))[,;:.]?")


def leading_phrase(text: str) -> str:
    """The capitalised words ``text`` starts with, with the small words between them
    ("Office of the Dean of Students offers ..." gives "Office of the Dean of
    Students"); empty when the text does not start with a capital letter."""
    taken: list[str] = []
    first, _, after = text.partition(" ")
    if first.casefold() in _NOT_NAMES:
        return ""  # "Several colleges offer ...", "If you ...": a sentence about others
    if first.casefold() in _LEAD_INS and (after[:1].isupper() or after.startswith("the ")):
        text = after  # "Contact the Care Team at ...": the name comes after
    for word in text.split():
        if taken and (acronym := _ACRONYM.fullmatch(word)):
            taken.append(acronym[1])  # "Disability Services (DS)": the acronym is its own
            break
        if word.startswith(("(", "[")):
            break
        core = word.rstrip(_WORD_END)
        joins = core.casefold() in _JOINING and core == word
        if not (core[:1].isupper() or (taken and (core[:1].isdigit() or joins))):
            break
        taken.append(core)
        if core != word:  # a comma or a full stop ends the phrase
            break
    while taken and taken[-1].casefold() in _JOINING:
        taken.pop()
    rest = text.split()[len(taken) :]
    if not rest:
        return " ".join(taken)
    if len(taken) == 1 and rest[0][:1].islower():
        return ""  # one capitalised word and then lower case: a sentence, not a name
    if not (
        rest[0][:1] in "(["
        or rest[0][:1].islower()
        or rest[0] in _DASHES
        or text.split()[len(taken) - 1][-1:] in ","
    ):
        return ""  # a name ends before a parenthesis, a comma, a dash or the words after it
    return " ".join(taken)


#: An instruction to reach someone: "Then call", "Notify", "Contact the".
_REACH: Final = re.compile(
    r"^(?:(?:first|then|also|now|please|or|and)\s+)?"
    r"(?:call|contact|notify|phone|ring|e-?mail|dial|reach|alert|inform)\s+(?:the\s+)?",
    re.I,
)
#: Where a number starts after the name an instruction reaches ("... at 555-0100").
_AT_NUMBER: Final = re.compile(r"\s+(?:(?:at|on|via|for)\s+)?(?=[\d+(])")


def reached_by(name: str, description: str) -> tuple[str, str]:
    """A name written as an instruction to reach someone names whom it reaches ("Then
    call Security", "Notify Public Safety", "Call the Crisis Line at 555-0100", whose
    number goes on to the description). Other names (and "Call 911", which reaches a
    number, not an office) as they are."""
    match = _REACH.match(name)
    if match is None:
        return name, description
    rest = name[match.end() :].strip()
    office, *after = _AT_NUMBER.split(rest, maxsplit=1)
    phrase = leading_phrase(office) if office[:1].isupper() else ""
    if not phrase or fold(phrase) in ("us", "me"):
        return name, description
    return phrase, collapse(f"{' '.join(after)} {description}")
