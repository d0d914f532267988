"""The LLM answerer: its output held to the citation check, and its failures turned into fallbacks.

The passages are real lines of the inspection report (corpus 004). Endpoints are real sockets on
127.0.0.1: a closed port, a server that accepts and never answers, one that answers HTTP 500,
and a scripted OpenAI-compatible server that streams a fixed reply (the stand-in for a model,
so that what the grounding does with a reply can be asserted exactly).
"""

from __future__ import annotations

import json
import socket
import time
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from assistant.answerer import Draft
from assistant.citations import check, markers
from assistant.grounding import UngroundedAnswer, ground, is_abstention
from assistant.llm import LLMAnswerer
from assistant.llm_prompts import ABSTAIN_PHRASE, system_prompt
from ingest.sources import load_metadata
from steunwijs.errors import AnswererUnavailable
from steunwijs.settings import Settings, get_settings
from steunwijs.types import Answer, Citation, Hit, Passage
from tests.chat_server import QuietHandler, completion, serving
from tests.llm_server import free_port

CORPUS = get_settings().corpus_dir
REPORT = "004_f932f971383260c2.txt"


def _hit(first: int, last: int, rank: int) -> Hit:
    """A hit on lines first..last of the inspection report, text joined as the cleaner would."""
    lines = (CORPUS / REPORT).read_text(encoding="utf-8").splitlines()[first - 1 : last]
    passage = Passage(
        id=f"{REPORT}:{first}",
        doc=load_metadata(CORPUS)[REPORT],
        section="1 Inleiding",
        lines=(first, last),
        text=" ".join(" ".join(lines).split()),
        raw="\n".join(lines),
    )
    return Hit(passage=passage, score=1.0 / rank, rank=rank)


@pytest.fixture(scope="module")
def hits() -> list[Hit]:
    # [1] 43 leersteuncentra, [2] erkenning in twee stappen, [3] the inspection's assignment
    return [_hit(3, 4, 1), _hit(6, 9, 2), _hit(14, 17, 3)]


def _checked(draft: Draft, hits: list[Hit]) -> Answer:
    """The draft as an Answer (marker n -> the hit it names), run through the assistant's check."""
    citations = []
    for c in draft.citations:
        p = hits[c.hit - 1].passage
        citations.append(
            Citation(n=c.n, passage=p, quote=c.quote)
        )
    result = Answer(question="q", text=draft.text, citations=citations, retrieved=hits, answerer="llm")
    check(result)
    return result


def _cited_hits(draft: Draft) -> list[int]:
    by_marker = {c.n: c.hit for c in draft.citations}
    return [by_marker[n] for n in markers(draft.text)]


# --- the prompt and the abstention phrase ----------------------------------------------------


def test_system_prompt_states_the_abstention_phrase_the_code_detects() -> None:
    assert ABSTAIN_PHRASE in system_prompt()
    assert is_abstention(ABSTAIN_PHRASE)
    assert is_abstention("dat staat niet in de documenten")
    assert is_abstention('"Dat staat niet in de documenten." [2]')
    assert not is_abstention("Dat staat wel in de documenten: er zijn 43 leersteuncentra [1].")


# --- grounding a reply -----------------------------------------------------------------------


def test_cited_statements_get_the_exact_words_of_their_passage(hits: list[Hit]) -> None:
    reply = (
        "Er werden 43 nieuwe leersteuncentra opgericht [1]. "
        "De onderwijsinspectie moest onderzoeken of de leersteuncentra voldoen aan de erkenningsvoorwaarden [3]."
    )
    draft = ground(reply, hits)
    _checked(draft, hits)
    assert _cited_hits(draft) == [1, 3]
    assert [c.quote for c in draft.citations] == [
        "Het gaf aanleiding tot de oprichting van 43 nieuwe leersteuncentra.",
        "De onderwijsinspectie kreeg de opdracht om in het schooljaar 2023-2024 te onderzoeken of de "
        "leersteuncentra voldoen aan de decretaal vastgelegde erkenningsvoorwaarden.",
    ]
    assert draft.notices == []


def test_markers_to_sources_not_given_are_removed_and_reported(hits: list[Hit]) -> None:
    reply = "De centra werden voorlopig erkend tot het einde van het schooljaar 2024-2025 [2][7]. Meer staat in [9]."
    draft = ground(reply, hits)
    _checked(draft, hits)
    assert "[7]" not in draft.text and "[9]" not in draft.text
    assert _cited_hits(draft) == [2]
    assert any("[7], [9]" in notice for notice in draft.notices)


def test_an_unmarked_statement_gets_the_marker_of_the_passage_that_supports_it(hits: list[Hit]) -> None:
    reply = "Zoals elke nieuwe onderwijsinstelling worden de centra erkend in twee stappen: eerst voorlopig, dan definitief."
    draft = ground(reply, hits)
    _checked(draft, hits)
    assert _cited_hits(draft) == [2]
    assert draft.citations[0].quote.startswith("Zoals elke nieuwe onderwijsinstelling")


def test_an_unsupported_statement_is_dropped_and_reported(hits: list[Hit]) -> None:
    reply = (
        "Er kwamen 43 nieuwe leersteuncentra [1].\n"
        "Elke leerondersteuner krijgt jaarlijks een bonus van tweeduizend euro.\n"
        "Dat regelt het ministerie van Financiën [2]."
    )
    draft = ground(reply, hits)
    _checked(draft, hits)
    assert "bonus" not in draft.text and "Financiën" not in draft.text
    assert _cited_hits(draft) == [1]
    dropped = [n for n in draft.notices if "bonus" in n or "Financiën" in n]
    assert len(dropped) == 2


def test_a_marker_on_a_claim_that_only_names_the_topic_is_removed(hits: list[Hit]) -> None:
    # passage [1] is about the 43 leersteuncentra, but says nothing about summer camps or budgets
    reply = (
        "Er kwamen 43 nieuwe leersteuncentra [1].\n"
        "De leersteuncentra organiseren elke zomer een verplicht kamp met eigen budget [1]."
    )
    draft = ground(reply, hits)
    _checked(draft, hits)
    assert "kamp" not in draft.text
    assert _cited_hits(draft) == [1]
    assert any("kamp" in notice for notice in draft.notices)


def test_lead_ins_and_list_items_keep_their_shape(hits: list[Hit]) -> None:
    reply = "Wat de bronnen zeggen:\n- Er kwamen 43 nieuwe leersteuncentra. [1]\n- De inspectie deed een doorlichting ter plaatse. [3]\n[2]"
    draft = ground(reply, hits)
    _checked(draft, hits)
    lines = draft.text.splitlines()
    assert lines[0] == "Wat de bronnen zeggen:"
    assert [line[:2] for line in lines[1:]] == ["- ", "- "]
    assert _cited_hits(draft) == [1, 3]
    assert draft.notices == []  # markers after the full stop belong to their sentence


def test_the_abstention_phrase_makes_an_abstained_draft(hits: list[Hit]) -> None:
    draft = ground(f"{ABSTAIN_PHRASE} [1]", hits)
    assert draft.abstained and draft.citations == []


def test_a_reply_without_any_supported_statement_is_refused(hits: list[Hit]) -> None:
    with pytest.raises(UngroundedAnswer) as caught:
        ground("Leerondersteuners werken vooral in de zomervakantie. Dat is wettelijk zo bepaald [5].", hits)
    assert issubclass(UngroundedAnswer, AnswererUnavailable)  # so the assistant falls back
    # ... and can still say what it dropped: the marker to a source never given, each sentence
    notices = caught.value.notices
    assert any("[5]" in n for n in notices)
    assert any("zomervakantie" in n for n in notices) and any("wettelijk" in n for n in notices)


# --- endpoints that fail -----------------------------------------------------------------------


def _settings(base_url: str | None, **overrides: Any) -> Settings:
    return get_settings(answerer="llm", llm_base_url=base_url, llm_model="test", **overrides)


def test_no_configured_endpoint_is_unavailable() -> None:
    with pytest.raises(AnswererUnavailable, match="STEUNWIJS_LLM_BASE_URL"):
        LLMAnswerer(_settings(None))


def test_a_refused_connection_is_unavailable(hits: list[Hit]) -> None:
    url = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    answerer = LLMAnswerer(_settings(url, llm_timeout=10))
    with pytest.raises(AnswererUnavailable, check=lambda e: "geen verbinding met" in e.nl) as caught:
        answerer.compose("Hoeveel leersteuncentra zijn er?", hits, "directie")
    assert url in str(caught.value)


def test_an_endpoint_that_never_answers_times_out(hits: list[Hit]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts the connection; nobody ever reads or writes
        answerer = LLMAnswerer(_settings(f"http://127.0.0.1:{silent.getsockname()[1]}/v1", llm_timeout=1))
        started = time.monotonic()
        with pytest.raises(AnswererUnavailable, check=lambda e: "geen antwoord binnen 1 s" in e.nl):
            answerer.compose("Hoeveel leersteuncentra zijn er?", hits, "directie")
        assert time.monotonic() - started < 10


# --- a scripted OpenAI-compatible endpoint -----------------------------------------------------


class _Endpoint:
    """Answers /v1/chat/completions with `reply` (streamed in pieces, `pause` s apart) or `status`."""

    def __init__(self, reply: str = "", status: int = 200, pause: float = 0.0, body: bytes | None = None) -> None:
        self.reply = reply
        self.status = status
        self.pause = pause
        self.body = body  # sent as is with HTTP 200 (a proxy's HTML page, JSON that is no completion)
        self.requests: list[dict[str, Any]] = []

    def handler(self) -> type[BaseHTTPRequestHandler]:
        endpoint = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.read_json()
                endpoint.requests.append(body)
                if endpoint.status != 200:
                    self.send_body(endpoint.status, "application/json", b'{"error": {"message": "kapot"}}')
                elif endpoint.body is not None:
                    self.send_body(200, "text/html" if endpoint.body.startswith(b"<") else "application/json", endpoint.body)
                elif body.get("stream"):
                    pieces = [endpoint.reply[i : i + 7] for i in range(0, len(endpoint.reply), 7)]
                    events = [_chunk({"role": "assistant", "content": ""})] + [_chunk({"content": p}) for p in pieces]
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    for event in events:
                        self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                        self.wfile.flush()
                        time.sleep(endpoint.pause)
                    self.wfile.write(b"data: [DONE]\n\n")
                else:
                    self.send_body(200, "application/json", completion(endpoint.reply))

        return Handler


def _chunk(delta: dict[str, str]) -> dict[str, Any]:
    return {
        "id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "test",
        "choices": [{"index": 0, "delta": delta, "finish_reason": None}],
    }  # fmt: skip


def _serving(endpoint: _Endpoint) -> AbstractContextManager[str]:
    return serving(endpoint.handler())


def test_an_http_error_is_unavailable(hits: list[Hit]) -> None:
    with _serving(_Endpoint(status=500)) as url:
        with pytest.raises(AnswererUnavailable, check=lambda e: "HTTP-fout 500" in e.nl):
            LLMAnswerer(_settings(url)).compose("Hoeveel leersteuncentra zijn er?", hits, "directie")


@pytest.mark.parametrize("body", [b"<html><body>Proxy: log eerst in</body></html>", b'{"choices": []}', b'{"id": "c1"}'])
def test_a_200_reply_that_is_no_chat_completion_is_unavailable(hits: list[Hit], body: bytes) -> None:
    """A proxy's login page or a broken server: the user gets the reason, the assistant its fallback."""
    with _serving(_Endpoint(body=body)) as url:
        settings = _settings(url)
        # streamed, such a body holds no events: an empty reply
        with pytest.raises(AnswererUnavailable, check=lambda e: e.nl == f"{url} gaf een leeg antwoord"):
            LLMAnswerer(settings).compose("Hoeveel leersteuncentra zijn er?", hits, "directie")
        with pytest.raises(AnswererUnavailable, check=lambda e: "geen geldig antwoord van een chat-API" in e.nl):
            LLMAnswerer(settings).rewrite("En in Brussel?", [("Hoeveel leersteuncentra zijn er?", "Er zijn er 43 [1].")])


def test_a_reply_that_trickles_past_the_timeout_is_unavailable(hits: list[Hit]) -> None:
    # every piece comes well within the timeout, the whole reply does not
    with _serving(_Endpoint("Er kwamen 43 nieuwe leersteuncentra [1]. " * 3, pause=0.3)) as url:
        with pytest.raises(AnswererUnavailable, check=lambda e: "geen volledig antwoord binnen 1 s" in e.nl):
            LLMAnswerer(_settings(url, llm_timeout=1)).compose("Hoeveel leersteuncentra zijn er?", hits, "directie")


def test_the_reply_streams_and_is_grounded(hits: list[Hit]) -> None:
    reply = "Er kwamen 43 nieuwe leersteuncentra [1]. Ze worden eerst voorlopig erkend [2][4]."
    endpoint = _Endpoint(reply)
    seen: list[str] = []
    with _serving(endpoint) as url:
        draft = LLMAnswerer(_settings(url, llm_max_sources=2)).compose(
            "Hoeveel leersteuncentra zijn er?", hits, "directie", on_text=seen.append
        )
    assert len(seen) > 3 and seen[-1] == reply
    assert all(later.startswith(earlier) for earlier, later in zip(seen, seen[1:]))
    request = endpoint.requests[0]
    assert request["stream"] is True and request["model"] == "test"
    system, user = request["messages"]
    assert system["role"] == "system" and system["content"] == system_prompt()
    assert "[1] " in user["content"] and "[2] " in user["content"] and "[3] " not in user["content"]  # llm_max_sources
    assert hits[0].passage.text in user["content"] and "Hoeveel leersteuncentra zijn er?" in user["content"]
    _checked(draft, hits)
    assert _cited_hits(draft) == [1, 2]
    assert any("[4]" in notice for notice in draft.notices)


def test_a_follow_up_is_rewritten_by_the_model() -> None:
    endpoint = _Endpoint("Herschreven vraag: Wie erkent de leersteuncentra definitief?\nUitleg: ...")
    history = [("Hoeveel leersteuncentra zijn er?", "Er zijn 43 nieuwe leersteuncentra [1].")]
    with _serving(endpoint) as url:
        rewritten = LLMAnswerer(_settings(url)).rewrite("En wie erkent ze?", history)
    assert rewritten == "Wie erkent de leersteuncentra definitief?"
    prompt = endpoint.requests[0]["messages"][-1]["content"]
    assert "Hoeveel leersteuncentra zijn er?" in prompt and "En wie erkent ze?" in prompt
    assert "[1]" not in prompt  # markers of earlier answers mean nothing to the model

