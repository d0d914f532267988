"""Follow-up questions, rewritten with the conversation before retrieval.

"En wat verwacht men daarbij van de directie?" retrieves nothing useful on its own: its topic
lives in the previous question. The rules here detect a follow-up (a leading "en"/"ook"/"geldt
dat"; a pronoun such as "dat", "die", "ze" among the first words, as in "Loopt dat goed?"; a
pointer such as "daarbij" with hardly any topic words; or no topic words at all) and rebuild a
self-contained question:

- it brings three or more topic words of its own: it is the question; the previous question's
  first topic words are added ("... (termijn, traject)");
- it names an actor and the previous question named another: swap the actor in the previous
  question ("Wat moet de leerkracht doen bij een IAC?" + "Geldt dat ook voor het CLB?" ->
  "Wat moet het CLB doen bij een IAC?"), plus the follow-up's new topic words;
- it names no actor: the previous question, plus the follow-up's new topic words if any;
- it names an actor the previous question did not: the follow-up, plus the previous topic words.

Earlier follow-ups are resolved first, so chains of follow-ups keep their topic. An LLM can do
this better when one is configured: `rewrite(..., llm=...)` asks it first and falls back to the
rules when it is unavailable.
"""

from __future__ import annotations

import logging

from assistant.answerer import QuestionRewriter
from steunwijs.dutch import actors
from steunwijs.dutch.terms import content_stems, content_words, tokens
from steunwijs.errors import AnswererUnavailable

log = logging.getLogger(__name__)

# First words that mark a question as continuing the previous one.
_CUE_WORDS = frozenset("en ook maar dus daarbij daarnaast verder bovendien idem geldt gelden".split())
_CUE_OPENINGS = ("hoe zit het", "hoe zit dat", "wat met", "wat als", "is dat", "zijn die", "klopt dat")
# Words that point back to something said before.
_ANAPHORS = frozenset(
    """dat dit die deze daar daarbij daarvoor daarin daarmee daarvan daarop daaraan daarna
    hierbij hiervoor hierin hiermee hiervan hun hen zij ze hij""".split()
)
# A pronoun this early in a question points back ("Loopt dat ...", "Wat raden ze ..."); later it
# is usually a relative pronoun ("... een leerling die ...").
_EARLY_WORDS = 4
# Words that frame a question about an actor without adding a topic ("wat verwacht men van ...").
_FRAMING = frozenset(
    """verwacht verwachten verwachting verwachtingen rol rollen taak taken opdracht opdrachten
    verantwoordelijk verantwoordelijkheid verantwoordelijkheden bijdrage bijdragen zit geval
    betekent belangrijk houdt verloopt verlopen loopt gebeurt krijg krijgt krijgen kreeg kregen
    geef geeft geven gaf gaven""".split()
)
_OWN_QUESTION_WORDS = 3  # a follow-up with this many new topic words is a question of its own
_CARRIED_WORDS = 5  # most topic words carried over from the previous question
# Pronominal adverbs that only point back ("daarbij"): dropped when the follow-up is kept as the question.
_POINTERS = frozenset(
    "daarbij daarvoor daarin daarmee daarvan daarop daaraan hierbij hiervoor hierin hiermee hiervan".split()
)
# Finite verbs that questions put right before their subject ("Wat moet de leerkracht doen?"),
# singular -> plural: swapping "de leerkracht" for "de ouders" must also make "moet" "moeten".
_VERB_PLURALS = {
    "moet": "moeten", "kan": "kunnen", "mag": "mogen", "wil": "willen", "zal": "zullen",
    "heeft": "hebben", "is": "zijn", "was": "waren", "doet": "doen", "krijgt": "krijgen",
    "speelt": "spelen", "neemt": "nemen", "draagt": "dragen", "biedt": "bieden", "staat": "staan",
    "gaat": "gaan", "komt": "komen", "weet": "weten", "zou": "zouden", "kon": "konden", "moest": "moesten",
}
_VERB_SINGULARS = {plural: singular for singular, plural in _VERB_PLURALS.items()}
# Singular actor forms that look plural, and plural ones that do not.
_SINGULAR_IN_S = frozenset({"klastitularis"})
_PLURAL_ENDINGS = ("en", "s", "'s", "’s", "centra")


def _subjects(text: str) -> list[actors.Mention]:
    """Actor mentions that say whom the question is about: not "volgens de inspectie" (a source)."""
    return [m for m in actors.mentions(text) if not text[: m.start].rstrip().lower().endswith("volgens")]


def _blank_actors(text: str) -> str:
    for m in reversed(_subjects(text)):
        text = text[: m.start] + " " * (m.end - m.start) + text[m.end :]
    return text


def topic_words(question: str) -> list[str]:
    """The question's content words minus actors, framing words, pronouns and cue words."""
    skip = _FRAMING | _ANAPHORS | _CUE_WORDS
    return list(dict.fromkeys(w for w in content_words(_blank_actors(question)) if w not in skip))


def is_follow_up(question: str) -> bool:
    """Whether `question` leans on the previous one (see the module docstring for the rules)."""
    lowered = question.strip().lower()
    words = tokens(lowered)
    if not words:
        return False
    topic = topic_words(question)
    framing = any(w in _FRAMING for w in words)
    cue = words[0] in _CUE_WORDS or lowered.startswith(_CUE_OPENINGS)
    early = any(w in _ANAPHORS for w in words[:_EARLY_WORDS])
    anaphor = any(w in _ANAPHORS for w in words)
    return cue or early or (anaphor and len(topic) <= 1) or (not topic and not framing)


def _strong_mentions(text: str) -> list[actors.Mention]:
    return [m for m in _subjects(text) if not m.weak]


def _core(question: str) -> str:
    """The follow-up without its leading cue words, pointer words and "?", capitalised."""
    words = question.strip().rstrip("?").strip().split()
    while words and words[0].lower().strip(",") in _CUE_WORDS:
        words.pop(0)
    core = " ".join(w for w in words if w.lower().strip(",") not in _POINTERS)
    return core[:1].upper() + core[1:]


def _with_words(base: str, words: list[str]) -> str:
    return f"{base.strip().rstrip('?').strip()} ({', '.join(words)})?" if words else base


def _bare(mention: actors.Mention) -> str:
    """A mention without its article, lower-cased: "het CLB" -> "clb"."""
    words = mention.text.lower().split()
    return " ".join(words[1:] if len(words) > 1 and words[0] in actors.ARTICLES else words)


def is_plural(mention: actors.Mention) -> bool:
    """Whether an actor mention is plural ("de ouders", "leersteuncentra"), by its last word."""
    last = _bare(mention).split()[-1]
    return last not in _SINGULAR_IN_S and last.endswith(_PLURAL_ENDINGS)


def _agree(text: str, verb_end: int, plural: bool) -> str:
    """`text` with the finite verb that ends at `verb_end` (if any) made singular or plural."""
    head = text[:verb_end].rstrip()
    gap = text[len(head) : verb_end]
    verb = head.split()[-1] if head.split() else ""
    table = _VERB_PLURALS if plural else _VERB_SINGULARS
    replacement = table.get(verb.lower())
    if replacement is None:
        return text
    if verb[:1].isupper():
        replacement = replacement[:1].upper() + replacement[1:]
    return head[: len(head) - len(verb)] + replacement + gap + text[verb_end:]


def _carried(previous: str, question: str) -> list[str]:
    """The previous question's first topic words that the follow-up lacks (the topic comes early)."""
    question_stems = content_stems(question)
    return [w for w in topic_words(previous) if not content_stems(w) <= question_stems][:_CARRIED_WORDS]


def _swap_actor(previous: str, new: actors.Mention) -> str:
    """The previous question about `new` instead of its first actor (of the same group, if it has one)."""
    old_actors = _subjects(previous)
    if any(_bare(m) == _bare(new) for m in old_actors):
        return previous
    old = next((m for m in old_actors if m.actor == new.actor), old_actors[0])
    swapped = previous[: old.start] + new.text + previous[old.end :]
    if is_plural(old) == is_plural(new):
        return swapped
    return _agree(swapped, old.start, is_plural(new))


def _rules(question: str, previous: str) -> str:
    previous_stems = content_stems(previous)
    new_topic = [w for w in topic_words(question) if not content_stems(w) <= previous_stems]
    if len(new_topic) >= _OWN_QUESTION_WORDS:
        return _with_words(_core(question), _carried(previous, question))
    new_actors = _strong_mentions(question)
    if not new_actors:
        return _with_words(previous, new_topic)
    if _subjects(previous):
        return _with_words(_swap_actor(previous, new_actors[0]), new_topic)
    return _with_words(_core(question), _carried(previous, question))


def _standalone_previous(history: list[tuple[str, str]]) -> str:
    """The last question of the history, itself resolved against the turns before it."""
    previous = history[-1][0]
    earlier = history[:-1]
    if earlier and is_follow_up(previous):
        return _rules(previous, _standalone_previous(earlier))
    return previous


def rewrite(
    question: str, history: list[tuple[str, str]] | None, llm: QuestionRewriter | None = None
) -> str:
    """A self-contained version of `question` given the (question, answer) turns before it.

    Returns the question unchanged when there is no history or it is not a follow-up. With `llm`
    (the LLM answerer), the model rewrites; when it is unavailable, the rules do.
    """
    if not history or not is_follow_up(question):
        return question
    if llm is not None:
        try:
            rewritten = llm.rewrite(question, history).strip()
        except AnswererUnavailable as error:
            log.warning("LLM rewrite of a follow-up failed (%s); the rules rewrite it", error.en)
            rewritten = ""
        if rewritten:
            return rewritten
    return _rules(question, _standalone_previous(history))
