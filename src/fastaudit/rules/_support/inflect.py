"""Just enough English inflection to tell a plural table name from a singular one.

``is_plural("users")`` is True, ``is_plural("status")`` is False. The checks err towards
"singular": a word is plural only when it ends like a plural and is not one of the many
singular or uncountable words that look like one (status, news, analysis, address...).
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that end in "s" (or look plural) but name one thing, or have no singular.
SINGULAR_OR_UNCOUNTABLE = _words(
    """
    news series species means headquarters whereabouts crossroads barracks innings diabetes
    measles mumps rabies herpes thanks kudos billiards status bonus campus virus census
    corpus focus genus radius apparatus octopus prospectus syllabus thesaurus walrus nexus
    consensus bus plus minus alias atlas bias canvas lens gas chassis iris tennis analysis
    basis axis crisis thesis diagnosis synopsis hypothesis emphasis parenthesis prognosis
    metamorphosis oasis genesis paralysis analytics physics mathematics economics politics
    ethics logistics electronics athletics genetics linguistics acoustics aesthetics
    aerobics semantics robotics ergonomics forensics gymnastics optics phonetics statistics
    informatics data metadata media perhaps various previous miscellaneous canvas pancreas
    always sms mms gps dns aws gcs cms ios macos rss kubernetes redis postgres jenkins
    windows hiatus impetus stimulus terminus cactus fungus nucleus locus bogus onus premises
    """
)

# Plurals that do not end in "s", and "s" plurals whose singular is irregular.
IRREGULAR = {
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "alumni": "alumnus",
    "cacti": "cactus",
    "fungi": "fungus",
    "radii": "radius",
    "stimuli": "stimulus",
    "syllabi": "syllabus",
    "indices": "index",
    "matrices": "matrix",
    "vertices": "vertex",
    "appendices": "appendix",
    "analyses": "analysis",
    "crises": "crisis",
    "theses": "thesis",
    "diagnoses": "diagnosis",
    "hypotheses": "hypothesis",
    "synopses": "synopsis",
    "quizzes": "quiz",
    "oxen": "ox",
    "leaves": "leaf",
    "lives": "life",
    "knives": "knife",
    "wives": "wife",
    "wolves": "wolf",
    "shelves": "shelf",
    "halves": "half",
    "calves": "calf",
    "selves": "self",
    "thieves": "thief",
    "loaves": "loaf",
    "heroes": "hero",
    "potatoes": "potato",
    "tomatoes": "tomato",
    "echoes": "echo",
    "vetoes": "veto",
}

# "-us"/"-is" words that are plurals of words ending in a vowel (menu -> menus).
_VOWEL_PLURALS = _words(
    """
    menus gurus emus tutus haikus sudokus tofus taxis skis kiwis alibis emojis wikis apis
    bikinis safaris semis yetis khakis uris kpis guis sdks
    """
)

# Words ending in "-ies" whose singular ends in "-ie", not "-y".
_IE_WORDS = _words(
    """
    movies cookies pies ties lies calories selfies zombies rookies smoothies brownies genies
    freebies goalies hippies aunties prairies sorties newbies hoodies techies birdies
    """
)

# Words ending in "-ches"/"-shes"... whose singular keeps the "e".
_KEEP_E = _words(
    """
    caches niches headaches avalanches moustaches cliches quiches psyches creches
    microfiches
    """
)


def is_plural(word: str) -> bool:
    """True when ``word`` (one lower-case word) reads as an English plural."""
    word = word.lower()
    if word in IRREGULAR or word in _VOWEL_PLURALS:
        return True
    if word in SINGULAR_OR_UNCOUNTABLE or len(word) <= 3 or not word.endswith("s"):
        return False
    return not word.endswith(("ss", "us", "is", "ous", "'s"))


def singular(word: str) -> str:
    """The singular of a word :func:`is_plural` accepts (best effort for the rest)."""
    lower = word.lower()
    if lower in IRREGULAR:
        return IRREGULAR[lower]
    if not is_plural(lower):
        return lower
    if lower in _VOWEL_PLURALS or lower in _KEEP_E:
        return lower[:-1]
    if lower.endswith("ies"):
        return lower[:-1] if lower in _IE_WORDS else lower[:-3] + "y"
    if lower.endswith("sses") or lower.endswith(("xes", "ches", "shes", "zzes")):
        return lower[:-2]
    if lower.endswith("ses") and lower[:-2] in SINGULAR_OR_UNCOUNTABLE:
        return lower[:-2]  # statuses, aliases, buses
    return lower[:-1]


def plural_table_name(name: str) -> str | None:
    """The singular form of a plural snake_case table name, or None when it is
    already singular. Only the last word counts: ``post_likes`` -> ``post_like``."""
    head, sep, last = name.rpartition("_")
    if not last or not is_plural(last):
        return None
    return f"{head}{sep}{singular(last)}"
