"""Questions for the load benchmark: an endless supply of new ones, and repeats of those asked.

A load test that asks the same few questions measures caches, not the app: every question vector,
ranked passage and answer would be served from memory after the first round. New questions must
therefore be new to the whole app start (all runs), and varied enough to reach different passages.
They come from two sources, interleaved: the training questions (evals/sets/train.jsonl, the users'
own words) with a small variation of opener and closer, and templates x actors x topics. Both are
shuffled with a fixed seed, so two runs of the benchmark ask the same questions in the same order.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
from collections.abc import Iterator
from pathlib import Path

from steunwijs.settings import PERSONAS

TRAIN_SET = Path(__file__).resolve().parent.parent / "evals" / "sets" / "train.jsonl"

OPENERS = ("", "Kort gevraagd: ", "Ik vraag me af: ", "Een vraag van een collega: ", "Graag wat uitleg. ")
CLOSERS = ("", " Wat zeggen de documenten daarover?", " Graag een kort antwoord.", " Hoe zit dat vandaag?")

TEMPLATES = (
    "Wat verwacht men van {actor} bij {topic}?",
    "Welke rol speelt {actor} in {topic}?",
    "Wat moet {actor} doen rond {topic}?",
    "Hoe werkt {actor} samen met het leersteuncentrum voor {topic}?",
    "Wat zegt de inspectie over {actor} en {topic}?",
    "Wie ondersteunt {actor} bij {topic}?",
    "Welke aanbevelingen zijn er voor {actor} over {topic}?",
    "Waar vind ik wat {actor} moet weten over {topic}?",
)
ACTORS = (
    "de leerondersteuner",
    "de leerkracht",
    "de directie",
    "de zorgcoördinator",
    "het CLB",
    "de pedagogische begeleiding",
    "de ouders",
    "de leerling",
    "het leersteuncentrum",
    "de inspectie",
    "de overheid",
    "de school",
)
TOPICS = (
    "leersteun",
    "het ondersteuningsplan",
    "de brede basiszorg",
    "verhoogde zorg",
    "een gemotiveerd verslag",
    "redelijke aanpassingen",
    "handelingsgericht werken",
    "de overgang naar het leersteundecreet",
    "co-teaching",
    "professionalisering",
    "het zorgcontinuüm",
    "het overleg met de ouders",
    "de afstemming met het CLB",
    "het multidisciplinair overleg",
    "leerlingen met autisme",
    "leerlingen met een motorische beperking",
    "het M-decreet",
    "de pre-waarborgregeling",
    "het ondersteuningsnetwerk",
    "de kwaliteit van de leersteun",
    "de start van een leersteuntraject",
    "de evaluatie van een traject",
)


def _train_variants(rng: random.Random) -> Iterator[str]:
    questions = [json.loads(line)["question"] for line in TRAIN_SET.read_text(encoding="utf-8").splitlines() if line]
    variants = [f"{o}{q}{c}" for o, c in itertools.product(OPENERS, CLOSERS) for q in questions]
    rng.shuffle(variants)
    yield from variants


def _template_variants(rng: random.Random) -> Iterator[str]:
    variants = [t.format(actor=a, topic=p) for t, a, p in itertools.product(TEMPLATES, ACTORS, TOPICS)]
    rng.shuffle(variants)
    yield from (v[0].upper() + v[1:] for v in variants)


class QuestionPool:
    """New questions (never handed out before by this pool) and repeats of earlier ones; thread-safe,
    because every simulated user draws from the same pool."""

    def __init__(self, seed: int = 0, repeat_share: float = 0.3) -> None:
        self.repeat_share = repeat_share
        self._rng = random.Random(seed)
        pairs = itertools.zip_longest(_train_variants(self._rng), _template_variants(self._rng))
        self._new = (q for pair in pairs for q in pair if q is not None)
        self._asked: list[str] = []
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def draw(self) -> tuple[str, str, bool]:
        """(question, persona, repeated): a repeat with probability `repeat_share` once there is
        something to repeat, otherwise a question never drawn before."""
        with self._lock:
            persona = self._rng.choice(PERSONAS)
            if self._asked and self._rng.random() < self.repeat_share:
                return self._rng.choice(self._asked), persona, True
            for question in self._new:
                if question not in self._seen:
                    self._seen.add(question)
                    self._asked.append(question)
                    return question, persona, False
            raise RuntimeError("every question of the pool was drawn; lower the load or the duration")
