"""The roles map checked by an LLM: the rules' statements kept, dropped or given another actor or type.

On when `roles_llm` is set and an OpenAI-compatible endpoint is configured (`llm_base_url`); the
ingest hands a `RolesRefiner` to `kb.generations.build_generation`, which builds the map by the
rules (kb/roles_build.py) and lets the refiner check it before the generation is published.

- One question per sentence in which the rules found statements (prompts/roles_llm.toml): the
  sentence, its section, what the rules found, and the actors the model may choose from (those
  the rules gave it and those the sentence names). The reply must be one JSON object of the form
  `{"uitspraken": [{"actor": ..., "type": ...}]}` and nothing else (a code fence around it is
  tolerated): other keys, an actor outside the choice or an unknown type make it unusable. The
  model never writes text: a verdict only picks (actor, type) pairs, the quote stays the rules'.
- A verdict is stored in the map (`kb.roles.Refinement`) under the sentence's `decision_key`
  (sentence, section, the rules' decision, model, prompt fingerprint) and reused by every later
  generation while that key holds: an unchanged corpus asks nothing, a changed document only its
  own new or newly decided sentences.
- What goes wrong never fails the ingest and never loses a verdict: an unusable reply keeps the
  rules' decision for that sentence; a refused connection, a timeout, an HTTP error or a body that
  is no chat completion keeps it too, and after `MAX_FAILURES` of them the rest is not asked.
  Either way the sentence is not cached (the next build asks again) and `RefineReport` counts it
  for the user, in Dutch.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, ValidationError

from kb.roles import Assignment, Refinement, RolesMap, Statement, decision_key, sentence_groups
from steunwijs.dutch.actors import role_mentions
from steunwijs.dutch.roles import KINDS, Kind
from steunwijs.errors import AnswererUnavailable
from steunwijs.resources import load_toml, read_text
from steunwijs.settings import Settings

if TYPE_CHECKING:
    from llama_index.llms.openai_like import OpenAILike

PROMPT_FILE = "roles_llm.toml"
REPLY_FORMAT = "1"  # part of the prompt's fingerprint: bump when the reply's shape or its reading changes
REPLY_MAX_TOKENS = 160  # a reply lists at most a few (actor, type) pairs
MAX_FAILURES = 3  # failed calls (down, timeout, HTTP error) after which the rest of a build is not asked
_FENCE_TAG = re.compile(r"<(\s*/?\s*zin\b)", re.IGNORECASE)
_CODE_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


class RolesPrompt(BaseModel):
    """prompts/roles_llm.toml."""

    system: str
    user: str


@lru_cache(maxsize=1)
def roles_prompt() -> RolesPrompt:
    return load_toml("prompts", PROMPT_FILE, RolesPrompt)


@lru_cache(maxsize=1)
def prompt_fingerprint() -> str:
    """What a verdict depends on besides the sentence and the model: the prompt and how its reply is read."""
    return hashlib.sha256((REPLY_FORMAT + "\n" + read_text("prompts", PROMPT_FILE)).encode()).hexdigest()


def choices(group: list[Statement]) -> list[str]:
    """The actors the model may give a sentence: the rules' (also implied ones), then those it names."""
    named = [m.actor for m in role_mentions(group[0].quote)]
    return list(dict.fromkeys([s.actor for s in group] + named))


def render(group: list[Statement]) -> tuple[str, str]:
    """The (system, user) messages that ask about one sentence's statements."""
    prompt = roles_prompt()
    first = group[0]
    found = "\n".join(json.dumps({"actor": s.actor, "type": s.type}, ensure_ascii=False) for s in group)
    user = prompt.user.format(
        sentence=_FENCE_TAG.sub(r"‹\1", first.quote),
        section=first.section or "(geen)",
        found=found,
        actors=", ".join(choices(group)),
        types=", ".join(KINDS),
    )
    return prompt.system, user


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str
    type: Kind


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uitspraken: list[_Item]


def parse_reply(reply: str, allowed: list[str]) -> list[Assignment] | None:
    """The statements that stand, from the model's reply; None when the reply is not usable."""
    text = reply.strip()
    fenced = _CODE_FENCE.match(text)
    try:
        parsed = _Reply.model_validate_json(fenced.group(1) if fenced else text)
    except ValidationError:  # pydantic reports broken JSON as a ValidationError too
        return None
    if any(item.actor not in allowed for item in parsed.uitspraken):
        return None
    pairs = dict.fromkeys((item.actor, item.type) for item in parsed.uitspraken)
    return [Assignment(actor=actor, type=kind) for actor, kind in pairs]


@dataclass
class RefineReport:
    """What the check of one build did; `lines()` says it to the user (Dutch)."""

    sentences: int = 0  # sentences with statements by the rules
    asked: int = 0  # sentences the model answered usably now
    reused: int = 0  # sentences decided by an earlier answer (stored with the previous generation)
    changed: int = 0  # sentences whose statements the model changed (actor or type, dropped, added)
    dropped: int = 0  # statements of the rules the model dropped
    unusable: int = 0  # replies that were no JSON of the asked form: the rules decide
    failed: int = 0  # sentences not checked for a failed call or a server given up on: the rules decide
    problem: str = ""  # the first failed call's reason (Dutch)

    def lines(self) -> list[str]:
        done = (
            f"Rollenkaart nagekeken door het taalmodel: {_n(self.sentences, 'zin', 'zinnen')}, {self.asked} nu gevraagd,"
            f" {self.reused} uit eerdere antwoorden; {_n(self.changed, 'zin', 'zinnen')} aangepast,"
            f" {_n(self.dropped, 'uitspraak', 'uitspraken')} geschrapt."
        )
        lines = [done]
        if self.unusable:
            lines.append(
                f"Rollenkaart: {_n(self.unusable, 'antwoord', 'antwoorden')} van het taalmodel onbruikbaar (geen JSON in de"
                " gevraagde vorm); daar gelden de regels."
            )
        if self.failed:
            lines.append(
                f"Rollenkaart: {_n(self.failed, 'zin', 'zinnen')} niet nagekeken ({self.problem}); daar gelden de regels,"
                " de volgende inleesbeurt vraagt opnieuw."
            )
        return lines


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class RolesRefiner:
    """Checks a roles map with the configured LLM; `report` says what the last `refine` did."""

    def __init__(self, settings: Settings, progress: Callable[[int, int], None] | None = None) -> None:
        self.settings = settings
        self.model = settings.llm_model  # the name the server knows it by: another model, another name
        self.progress = progress
        self.report = RefineReport()
        self._llm: OpenAILike | None = None
        self._unconfigured: str | None = None
        if not settings.llm_base_url:
            self._unconfigured = "er is geen taalmodel ingesteld (STEUNWIJS_LLM_BASE_URL)"

    def refine(self, roles: RolesMap, previous: RolesMap | None) -> RolesMap:
        """`roles` (the rules' map) with verdicts: reused from `previous` where its key holds, else asked."""
        prompt = prompt_fingerprint()
        earlier = previous.refinement.verdicts if previous is not None and previous.refinement is not None else {}
        report = self.report = RefineReport(problem=self._unconfigured or "")
        groups = sentence_groups(roles.rule_statements())
        report.sentences = len(groups)
        verdicts: dict[str, list[Assignment]] = {}
        keyed = [(decision_key(g, self.model, prompt), g) for g in groups]
        to_ask = list({k: g for k, g in keyed if k not in earlier}.items())  # a sentence repeated: asked once
        failures = MAX_FAILURES if self._unconfigured else 0
        for done, (key, group) in enumerate(to_ask, start=1):
            reply: str | None = None
            if failures < MAX_FAILURES:
                try:
                    reply = self._ask(*render(group))
                except AnswererUnavailable as error:
                    failures += 1
                    report.problem = report.problem or error.nl
            verdict = parse_reply(reply, choices(group)) if reply is not None else None
            if verdict is not None:
                verdicts[key] = verdict
                report.asked += 1
            elif reply is not None:
                report.unusable += 1
            else:
                report.failed += 1
            if self.progress is not None:
                self.progress(done, len(to_ask))
        for key, group in keyed:
            if key in earlier:
                verdicts[key] = earlier[key]
                report.reused += 1
            if key in verdicts:
                stood = {(a.actor, a.type) for a in verdicts[key]}
                rules = {(s.actor, s.type) for s in group}
                report.changed += stood != rules
                report.dropped += len({a for a, _ in rules} - {a for a, _ in stood})
        return RolesMap(
            rules=roles.rules, documents=roles.documents, refinement=Refinement(model=self.model, prompt=prompt, verdicts=verdicts)
        )

    def _ask(self, system: str, user: str) -> str:
        """The model's reply to one question; a failed call raises AnswererUnavailable (Dutch reason)."""
        from llama_index.core.llms import ChatMessage, MessageRole  # the ingest only imports it when asking

        from steunwijs.llm import CALL_ERRORS, MALFORMED_REPLY_ERRORS, make_llm, unavailable

        if self._llm is None:
            self._llm = make_llm(self.settings, max_tokens=REPLY_MAX_TOKENS)
        messages = [ChatMessage(role=MessageRole.SYSTEM, content=system), ChatMessage(role=MessageRole.USER, content=user)]
        try:
            return self._llm.chat(messages).message.content or ""
        except (*CALL_ERRORS, *MALFORMED_REPLY_ERRORS) as error:  # counted and reported by refine
            raise unavailable(error, self.settings) from error
