"""The Dutch words of the web app: labels, messages, example questions and the longer page texts.

Short labels live here as constants so that the layout, the handlers and the tests use the very
same strings; longer texts and the example questions are files under prompts/ (ui_*.md,
ui_examples.toml), read through `steunwijs.resources`, so that a non-programmer can reword them
without touching code.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, RootModel

from steunwijs.errors import ConfigurationError
from steunwijs.resources import load_toml, read_text
from steunwijs.settings import PERSONAS

APP_TITLE = "Steunwijs"
APP_SUBTITLE = "Vragen over leersteun in Vlaamse scholen, beantwoord met de woorden van de documenten"

# --- tabs ---------------------------------------------------------------------------------------
TAB_ASK = "Vraag het"
TAB_DOCUMENTS = "Documenten"
TAB_ROLES = "Wie doet wat?"
TAB_EVAL = "Evaluatie"
TAB_ABOUT = "Over"

# --- knowledge base status ----------------------------------------------------------------------
STATUS_STARTING = "De kennisbank wordt geopend…"
STATUS_INGESTING = "De kennisbank is leeg: de standaarddocumenten worden nu ingelezen. Even geduld."
STATUS_INGESTING_PROGRESS = (
    "De kennisbank is leeg: de standaarddocumenten worden nu ingelezen. {stage}: {done} van {total}."
)
STATUS_READY = "Kennisbank klaar: {documents} documenten, {passages} passages."
STATUS_READY_INGESTED = (
    "Kennisbank klaar: de standaarddocumenten zijn ingelezen ({documents} documenten, {passages} passages)."
)
STATUS_FAILED = "De kennisbank kon niet worden opgebouwd: {error}"
NOT_READY = "De kennisbank wordt nog opgebouwd. Stel je vraag opnieuw zodra bovenaan 'Kennisbank klaar' staat."

# --- chat ---------------------------------------------------------------------------------------
PERSONA_LABEL = "Ik ben"
PERSONA_INFO = "Het antwoord wordt opgesteld voor jouw rol; de feiten blijven dezelfde."
CHAT_LABEL = "Gesprek met Steunwijs"
QUESTION_LABEL = "Je vraag"
QUESTION_PLACEHOLDER = "Typ je vraag en druk op Enter, bv. 'Wat doet een leerondersteuner in de klas?'"
SEND = "Vraag stellen"
STOP = "Stoppen"
EXAMPLES_LABEL = "Voorbeeldvragen"
SOURCES_LABEL = "Bronnen bij dit antwoord"
SOURCES_INFO = "Kies een bron, of klik op een verwijzing zoals [1] in het antwoord."
SOURCE_PANEL_LABEL = "Bron"
SOURCE_PANEL_EMPTY = "Klik op een bronverwijzing zoals [1] in een antwoord om hier de passage te lezen."
SOURCE_GONE = "Deze bron hoort bij een antwoord dat niet meer in dit gesprek staat. Stel de vraag opnieuw."
SOURCES_HEADING = "Bronnen"
ABSTAIN_HEADING = "Geen antwoord gevonden in de documenten."
ABSTAIN_REASON = "Waarom"
MAYBE_RELEVANT = "Mogelijk relevant"
ERA_LABEL = "Periode"
SECTION_LABEL = "Sectie"
PAGE_LABEL = "Pagina"
LINES_LABEL = "Regels"
FILE_LABEL = "Bestand"
APPROXIMATE = "ca."
QUOTE_NOT_FOUND = "De geciteerde woorden staan niet letterlijk in deze passage:"

# --- feedback and export ------------------------------------------------------------------------
FEEDBACK_HELP = "Was een antwoord nuttig? Klik op het duimpje onder het antwoord, en schrijf hier eventueel waarom."
COMMENT_LABEL = "Opmerking bij je laatste beoordeling (optioneel)"
COMMENT_PLACEHOLDER = "Bv. 'De bron klopt, maar het antwoord mist de rol van het CLB.'"
COMMENT_SAVE = "Opmerking opslaan"
FEEDBACK_SAVED_UP = "Bedankt! Je duim omhoog is opgeslagen."
FEEDBACK_SAVED_DOWN = "Bedankt! Je duim omlaag is opgeslagen. Wil je kort zeggen wat er beter kan?"
FEEDBACK_REMOVED = "Je beoordeling is ingetrokken."
FEEDBACK_NOT_AN_ANSWER = "Alleen antwoorden van Steunwijs kun je beoordelen."
COMMENT_SAVED = "Je opmerking is opgeslagen."
COMMENT_WITHOUT_VOTE = "Geef eerst een duim omhoog of omlaag bij een antwoord; daarna kun je een opmerking toevoegen."
COMMENT_EMPTY = "Typ eerst een opmerking."
EXPORT_CHAT = "Gesprek downloaden (Markdown)"
EXPORT_CHAT_FILE = "Gesprek met bronnen"
EXPORT_EMPTY = "Er is nog geen gesprek om te downloaden."
FEEDBACK_EXPORT = "Feedback downloaden (CSV)"
FEEDBACK_EXPORT_FILE = "Feedback (CSV)"
FEEDBACK_COUNT = "{total} beoordelingen opgeslagen: {up} duim omhoog, {down} duim omlaag."

# --- documents ----------------------------------------------------------------------------------
DOCS_INTRO = "De documenten waaruit Steunwijs antwoordt, met het aantal passages per document."
DOCS_TABLE_LABEL = "Documenten in de kennisbank"
DOCS_COLUMNS = ["Titel", "Periode", "Jaar", "Soort", "Bestand", "Passages", "Secties"]
BROWSE_HEADING = "Een document doorbladeren"
BROWSE_DOC_LABEL = "Document"
BROWSE_SECTION_LABEL = "Sectie"
BROWSE_EMPTY = "Kies een document om zijn passages te lezen."
BROWSE_NO_SECTION = "(zonder sectie)"
UPLOAD_HEADING = "Een document toevoegen"
UPLOAD_LABEL = "Document (PDF, DOCX, TXT of MD)"
UPLOAD_BUTTON = "Toevoegen aan de kennisbank"
UPLOAD_NONE = "Kies eerst een bestand."
UPLOAD_BAD_TYPE = "{name}: dit bestandstype kan Steunwijs niet lezen. Kies een PDF, DOCX, TXT of MD."
UPLOAD_ADDED = "Toegevoegd: {names}."
UPLOAD_CHANGED = "Vervangen door de nieuwe versie: {names}."
UPLOAD_UNCHANGED = "Al in de kennisbank, ongewijzigd: {names}."
UPLOAD_TOTAL = "De kennisbank telt nu {documents} documenten, {passages} passages."
UPLOAD_FAILED = "Inlezen mislukt; de kennisbank is niet veranderd."
INGEST_STAGES = {
    "read": "Documenten lezen",
    "embed": "Passages omzetten",
    "sentences": "Zinnen omzetten",
    "roles": "Rollenkaart nakijken (taalmodel)",
    "store": "Opslaan in de kennisbank",
}
UPLOAD_SKIPPED = "Niet ingelezen: {name}: {reason}"
REMOVE_HEADING = "Een document verwijderen"
REMOVE_LABEL = "Te verwijderen document"
REMOVE_BUTTON = "Verwijderen uit de kennisbank"
REMOVE_NONE = "Kies eerst het document dat je wilt verwijderen."
REMOVE_DONE = "Verwijderd: {title}. Nu {documents} documenten, {passages} passages."
REMOVE_UNKNOWN = "Dat document staat niet (meer) in de kennisbank."
REMOVE_FAILED = "Verwijderen mislukt; de kennisbank is niet veranderd."

# --- the roles map ("Wie doet wat?") ----------------------------------------------------------
ROLES_INTRO = (
    "Wat zeggen de documenten over wie wat doet? Per actor het aantal uitspraken over zijn **rol**, wat er van"
    " hem **verwacht** wordt en wat de documenten hem **aanbevelen**. Klik op een getal om de uitspraken te"
    " lezen, elk met zijn bron."
)
ROLES_MAP_TAB = "Overzicht"
ROLES_CHANGES_TAB = "Wat is er veranderd?"
ROLES_ERA_LABEL = "Periode"
ROLES_DOCUMENT_LABEL = "Document"
ROLES_FILTER_INFO = "Leeg laten voor alle."
ROLES_MATRIX_LABEL = "Aantal uitspraken per actor en type"
ROLES_ACTOR_COLUMN = "Actor"
ROLES_TOTAL_COLUMN = "Totaal"
ROLES_TYPE_COLUMNS = {"rol": "Rol", "verwachting": "Verwachting", "aanbeveling": "Aanbeveling"}
ROLES_ACTOR_LABEL = "Actor"
ROLES_TYPE_LABEL = "Type"
ROLES_ALL_TYPES = "Alle types"
ROLES_ACTOR_TITLE = "Wat de documenten zeggen over {actor}"
CHANGES_CHOOSE = "Kies een actor om zijn uitspraken per periode naast elkaar te zien."
ROLES_CHOOSE = "Klik op een getal in de tabel, of kies een actor en een type, om de uitspraken te lezen."
ROLES_EMPTY = "Geen uitspraken voor deze keuze. Kies een andere actor of een ander type, of maak de filters ruimer."
ROLES_NONE_IN_KB = "De kennisbank bevat nog geen uitspraken over actoren."
ROLES_COUNT = "Uitspraken: {n}; documenten: {documents}."
ROLES_OPEN = "Bron van uitspraak {n} openen"
ROLES_STATEMENT_LABEL = "Uitspraak"
ROLES_STATEMENT_INFO = "Kies een uitspraak, of klik op haar nummer, om de passage te lezen."
ROLES_PANEL_EMPTY = "Klik op het nummer van een uitspraak, zoals [1], om hier de passage te lezen."
ROLES_HEADING_NOTE = "Deze uitspraak is een tussentitel van het document (zie Sectie); hieronder de passage eronder."
ROLES_SOURCE_GONE = "Deze uitspraak staat niet meer in de kennisbank (het document is veranderd). Kies opnieuw."
ROLES_EXPORT_MARKDOWN = "Checklist downloaden (Markdown)"
ROLES_EXPORT_CSV = "Uitspraken downloaden (CSV)"
ROLES_EXPORT_FILE = "Download"
ROLES_EXPORT_EMPTY = "Kies eerst uitspraken (een getal in de tabel) om ze te downloaden."
ROLES_EXPORT_DONE = "Klaar: {title} ({n} uitspraken). Klik op het bestand om het te downloaden."
CHANGES_INTRO = (
    "Hoe is de rol van een actor veranderd? Per periode naast elkaar wat de documenten over hem zeggen. Oudere"
    " namen tellen mee: de ondersteuner van 2016 en 2019 is de leerondersteuner van vandaag."
)
CHANGES_EMPTY_ERA = "Geen uitspraken uit deze periode."
CHANGES_DOCUMENTS = "Documenten: {documents}"
CHANGES_NAMED = "Genoemd als: {names}"
CHANGES_UNKNOWN_ERA = "Periode onbekend"

# --- the glossary ("Begrippen") and the session pack ("Sessie voorbereiden") ---------------------
TAB_GLOSSARY = "Begrippen"
GLOSSARY_INTRO = (
    "Begrippen en afkortingen uit de documenten (IAC, GC-verslag, zorgcontinuüm, ...), elk met de zin die ze"
    " uitlegt of gebruikt. Zoek op een begrip of een deel ervan; klik op een nummer om de passage te lezen."
)
GLOSSARY_SEARCH_LABEL = "Zoek een begrip"
GLOSSARY_SEARCH_PLACEHOLDER = "bv. IAC, verslag of zorgcontinuüm (leeg laten voor alle begrippen)"
GLOSSARY_COUNT = "{n} begrippen."
GLOSSARY_COUNT_FOR = "{n} begrippen voor \"{text}\"."
GLOSSARY_OPEN = "Bron van {term} openen"
GLOSSARY_NOT_FOUND = "Geen begrip gevonden voor \"{text}\". Probeer een deel van het woord, of laat het veld leeg."
GLOSSARY_NONE = "De begrippenlijst is leeg: er zijn nog geen documenten ingelezen."
GLOSSARY_PANEL_EMPTY = "Klik op het nummer van een begrip, zoals [1], om hier de passage te lezen."
GLOSSARY_SOURCE_GONE = "Dit begrip staat niet (meer) in de lijst. Zoek opnieuw."
TAB_SESSION = "Sessie voorbereiden"
SESSION_INTRO = (
    "Voor trainers: geef een thema en Steunwijs maakt een sessieblad uit de documenten: kernuitspraken met"
    " bronnen, vragen voor de groep, een korte meerkeuzequiz met antwoordsleutel en een tijdlijn van de"
    " regelgeving. Download het als Markdown (om te bewerken) of als afdrukbare webpagina (afdrukken of als PDF"
    " bewaren)."
)
SESSION_THEME_LABEL = "Thema"
SESSION_THEME_PLACEHOLDER = "bv. samenwerking leerkracht en leerondersteuner, of regie bij leersteun"
SESSION_BUILD = "Sessieblad maken"
SESSION_FILES = "Sessieblad (Markdown en afdrukbare webpagina)"
SESSION_DONE = (
    "Klaar: sessieblad over \"{theme}\" met {statements} uitspraken, {questions} vragen en {quiz} quizvragen."
    " Klik op een bestand om het te downloaden."
)

# --- evaluation ---------------------------------------------------------------------------------
EVAL_INTRO = (
    "Hoe goed vindt, citeert en antwoordt Steunwijs? Hier staat het laatste evaluatierapport. De knop"
    " voert de snelle testset uit (ongeveer twintig vragen)."
)
EVAL_NONE = "Er is nog geen evaluatierapport. Klik op de knop om de snelle testset uit te voeren."
EVAL_RUN = "Snelle evaluatie uitvoeren"
EVAL_RUNNING = "De snelle testset loopt (dit duurt een minuut of twee)…"
EVAL_METRICS_LABEL = "Resultaten van de laatste evaluatie"
EVAL_COLUMNS = ["Maat", "Wat ze meet", "Steunwijs", "Vragen"]
EVAL_BASELINE_COLUMNS = ["Basislijn", "Verhouding"]
# Dutch descriptions of the eval suite's metrics (evals/metrics.py names them); unknown ones keep
# the suite's own English explanation.
EVAL_METRICS = {
    "evidence_recall@5": "vragen waarvan het bewijs in de beste 5 gevonden passages staat",
    "evidence_recall@10": "vragen waarvan het bewijs in de beste 10 gevonden passages staat",
    "mrr@10": "1/rang van de eerste passage met het bewijs (hoger is beter)",
    "citation_support": "antwoorden waarvan de geciteerde passages het bewijs bevatten",
    "citation_source_precision": "bronverwijzingen naar een document dat de vraag beantwoordt",
    "markers_valid": "verwijzingen [n] die naar een gevonden passage wijzen (moet 1 zijn)",
    "coverage": "deel van de verwachte antwoordpunten dat in het antwoord staat",
    "abstention_correct": "onbeantwoordbare vragen waarop Steunwijs terecht geen antwoord gaf",
    "abstention_false": "beantwoordbare vragen waarop Steunwijs ten onrechte geen antwoord gaf (lager is beter)",
    "latency_p50_ms": "mediane antwoordtijd in milliseconden",
    "latency_p95_ms": "antwoordtijd in milliseconden die 95% van de vragen haalt",
}
EVAL_INFO = "Laatste evaluatie: {when}, {questions} vragen, {failures} mislukt. Volledig rapport: `{report}`."
EVAL_PLOTS_LABEL = "Grafieken"
EVAL_STAGES = {"answer": "Vragen beantwoorden", "judge": "Antwoorden laten beoordelen", "baseline": "Basislijn"}
EVAL_DONE = "Evaluatie klaar: {n} vragen in {seconds:.0f} s."
EVAL_COMPARED = "Tegenover de vorige run: {better} beter, {worse} slechter, {mixed} gemengd, {unchanged} onveranderd (zie het rapport)."
FEEDBACK_HEADING = "Feedback van gebruikers"

# --- about --------------------------------------------------------------------------------------
ABOUT_DOC_LINE = "- **{title}** ({year}), {publisher}. Periode: {era}. {passages} passages."
YEAR_UNKNOWN = "jaar onbekend"
ABOUT_NO_DOCS = "_De kennisbank is nog leeg._"
UNKNOWN = "onbekend"

# --- editors, privacy, read-only (webapp.access) ------------------------------------------------
LOGIN_HEADING = "Redacteurs"
LOGIN_INTRO = (
    "Vragen stellen kan iedereen. Documenten toevoegen of verwijderen, evaluaties uitvoeren en feedback"
    " lezen kan alleen een redacteur: log hier in."
)
LOGIN_USER = "Gebruikersnaam"
LOGIN_PASSWORD = "Wachtwoord"
LOGIN_BUTTON = "Inloggen"
LOGOUT_BUTTON = "Uitloggen"
LOGIN_OK = "Ingelogd als redacteur {user} (alleen in dit tabblad)."
LOGIN_FAILED = "Onbekende gebruikersnaam of verkeerd wachtwoord."
LOGGED_OUT = "Je bent uitgelogd."
LOCAL_MODE = (
    "Er is geen redacteur ingesteld: op deze computer (127.0.0.1) mag iedereen die de app bereikt documenten"
    " beheren en feedback lezen."
)
EDITORS_ONLY = "Alleen voor redacteurs: log eerst in (bovenaan de pagina, onder 'Redacteurs')."
READ_ONLY_NOTICE = (
    "**Alleen lezen:** de datamap is niet schrijfbaar. Vragen stellen, zoeken en bladeren kan;"
    " documenten toevoegen of verwijderen, evaluaties en het opslaan van feedback staan uit."
)
READ_ONLY_OFF = "staat uit: de datamap is alleen-lezen"
FEEDBACK_PRIVACY = (
    "*Bij een duimpje bewaart Steunwijs alleen je vraag, het getoonde antwoord, je duim, de opmerking die je"
    " zelf typt en het tijdstip; geen naam, geen ander deel van het gesprek. Na {days} dagen wordt het gewist.*"
)
FEEDBACK_READ_ONLY = "Niet opgeslagen: de datamap is alleen-lezen."
REPAIRED = "Hersteld: {what}"


class PersonaTexts(BaseModel):
    """How a persona is named in the app and which example questions it gets."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    intro: str
    questions: tuple[str, ...]


class _UiExamples(RootModel[dict[str, PersonaTexts]]):
    """prompts/ui_examples.toml: one table per persona."""


def personas() -> dict[str, PersonaTexts]:
    """The personas (key -> texts) of prompts/ui_examples.toml, in the order of steunwijs.settings.PERSONAS."""
    found = load_toml("prompts", "ui_examples.toml", _UiExamples).root
    missing = [p for p in PERSONAS if p not in found]
    if missing:
        names = ", ".join(missing)
        raise ConfigurationError(
            f"In prompts/ui_examples.toml ontbreken de persona's {names}.",
            f"prompts/ui_examples.toml lacks the persona(s) {names}",
        )
    return {key: found[key] for key in PERSONAS}


def page_text(name: str) -> str:
    """A longer text of the app: prompts/ui_<name>.md."""
    return read_text("prompts", f"ui_{name}.md").strip()
