"""The LLM judge over the real OpenAI-compatible client, against a local stand-in for the LLM server.

The stand-in answers /v1/chat/completions with scripted verdicts and records what it was sent, so
these tests check the judge itself: the prompt it builds, the verdict parsing and the scoring, and
that a missing or vanished endpoint leaves a note instead of breaking the run.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from evals.judge import JudgeOutputError, judge_results, parse_verdicts
from evals.questionset import Question
from evals.results import ResultRow
from evals.summary import JudgeNote, JudgeScores
from steunwijs.errors import SteunwijsError
from steunwijs.settings import get_settings


class _ScriptedLLM(BaseHTTPRequestHandler):
    replies: list[str] = []
    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        content = type(self).replies.pop(0)
        payload = json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "created": 0,
                "model": body["model"],
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def llm_server() -> Iterator[type[_ScriptedLLM]]:
    handler = type("Handler", (_ScriptedLLM,), {"replies": [], "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/v1"  # type: ignore[attr-defined]
    yield handler
    server.shutdown()
    server.server_close()


def _question(qid: str, answerable: bool = True) -> Question:
    if not answerable:
        return Question(
            id=qid, persona="directie", topic="feiten", question="Wat kost een leersteuncentrum?",
            answer_points=[], sources=[], evidence=[], answerable=False,
        )
    return Question(
        id=qid,
        persona="directie",
        topic="rollen",
        question="Wat verwacht een ondersteuner van mij als directeur?",
        answer_points=["De directie geeft het mandaat", "De directie maakt overlegtijd vrij"],
        sources=["000_baa5b4e532ab2e0a.txt"],
        evidence=["een mandaat van de directie is voor de ondersteuners een belangrijke voorwaarde om te werken"],
        answerable=True,
    )


def _row(qid: str, answer: str, abstained: bool = False) -> ResultRow:
    return ResultRow(id=qid, question="", answer=answer, abstained=abstained, latency_ms=1.0)


def test_parse_verdicts_reads_numbered_lines_in_point_order() -> None:
    assert parse_verdicts("2: nee\n1: Ja\n3) ja", 3) == [True, False, True]
    assert parse_verdicts("Beoordeling:\n1. **ja**\n2 - nee\n", 2) == [True, False]


def test_parse_verdicts_rejects_a_reply_missing_a_point() -> None:
    with pytest.raises(JudgeOutputError, match=r"\[2\]") as caught:
        parse_verdicts("1: ja\nDe rest weet ik niet.", 2)
    assert isinstance(caught.value, SteunwijsError) and "[2]" in caught.value.nl


def test_judge_scores_points_and_sends_question_answer_and_points(llm_server: type[_ScriptedLLM]) -> None:
    llm_server.replies = ["1: ja\n2: nee", "geen idee"]
    settings = get_settings(llm_base_url=llm_server.url, llm_model="judge-model")  # type: ignore[attr-defined]
    questions = [_question("a"), _question("b"), _question("c"), _question("d", answerable=False)]
    results = [
        _row("a", "De directie geeft het mandaat [1]."),
        _row("b", "Iets [1]."),
        _row("c", "Dat staat niet in de documenten.", abstained=True),
        _row("d", "Dat staat niet in de documenten.", abstained=True),
    ]
    judged = judge_results(questions, results, settings)

    assert isinstance(judged, JudgeScores)
    assert judged.scores == {"a": 0.5, "b": None, "c": 0.0, "d": None}
    assert judged.overall.values["coverage_judge"] == 0.25  # mean of a and c; b unparsed, d n/a
    assert len(judged.unparsed) == 1 and judged.unparsed[0].startswith("b:")
    # only a and b reached the LLM: the abstention and the unanswerable question need no judge
    assert len(llm_server.requests) == 2
    sent = llm_server.requests[0]
    assert sent["model"] == "judge-model"
    prompt = " ".join(m["content"] for m in sent["messages"])
    assert "Wat verwacht een ondersteuner van mij als directeur?" in prompt
    assert "De directie geeft het mandaat [1]." in prompt
    assert "1. De directie geeft het mandaat" in prompt and "2. De directie maakt overlegtijd vrij" in prompt


def test_judge_is_skipped_with_a_note_without_an_endpoint() -> None:
    judged = judge_results([_question("a")], [_row("a", "x")], get_settings(llm_base_url=None))
    assert isinstance(judged, JudgeNote) and judged.status == "skipped"
    assert "STEUNWIJS_LLM_BASE_URL" in judged.note


def test_judge_reports_an_unreachable_endpoint_instead_of_failing_the_run() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = get_settings(llm_base_url=f"http://127.0.0.1:{port}/v1", llm_timeout=2.0)
    judged = judge_results([_question("a")], [_row("a", "De directie geeft het mandaat.")], settings)
    assert isinstance(judged, JudgeNote) and judged.status == "failed"
    assert str(port) in judged.note
