"""A small Dutch corpus for ingest tests: three short documents and a sources.toml, written on demand.

Small on purpose (a few passages each), so tests that run the real chunker and the real embedding
model stay quick, yet each document has words of its own to search for.
"""

from __future__ import annotations

from pathlib import Path

DOCS: dict[str, str] = {
    "leersteun.txt": """1 Leersteun in de klas

De leerondersteuner van het leersteuncentrum werkt samen met de leraar in de klas. Samen bekijken
ze welke redelijke aanpassingen een leerling met een verslag nodig heeft. De leersteun start vijf
schooldagen na het begin van het schooljaar.

2 Afspraken met de school

De school houdt de regie over het leerproces. Het leersteuncentrum maakt afspraken over de
rollen van de leerondersteuner, de zorgcoördinator en het CLB.
""",
    "netwerk.txt": """1 Het ondersteuningsnetwerk

Het ondersteuningsnetwerk verdeelt de ondersteuners over de scholen. Elke school krijgt een
ankerfiguur als vast aanspreekpunt. De zorgcoördinator is op school de spilfiguur voor de
ondersteuner en voor de leerkrachten.
""",
    "pwb.txt": """1 Co-teaching in de pre-waarborgregeling

Een co-teacher staat een heel schooljaar samen met de klasleerkracht voor de klas. De co-teacher
mag niet ingezet worden voor vervangingen van afwezige leerkrachten. Wekelijks is er overleg met
de competentiebegeleider van de pedagogische begeleidingsdienst.
""",
}

SOURCES_TOML = """
["leersteun.txt"]
title = "Leersteun in de klas"
short = "Leersteun"
year = 2024
era = "leersteundecreet (vanaf 2023)"

["netwerk.txt"]
title = "Het ondersteuningsnetwerk"
short = "Netwerk"
year = 2019
era = "ondersteuningsmodel (M-decreet, 2017-2023)"

["pwb.txt"]
title = "Co-teaching in de pre-waarborgregeling"
short = "PWB"
year = 2016
era = "pre-waarborgregeling (2015-2017)"
"""


def write_corpus(folder: Path, names: tuple[str, ...] = tuple(DOCS)) -> Path:
    """Write the chosen documents (and the sources.toml) into `folder`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(DOCS[name], encoding="utf-8")
    (folder / "sources.toml").write_text(SOURCES_TOML, encoding="utf-8")
    return folder
