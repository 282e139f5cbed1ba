"""A deterministic synthetic dossier of any size, written through the real build pipeline.

    uv run python benchmarks/generate.py --quotes 1000000 --people 20000 --out /tmp/big.db

Same arguments, same dossier, byte for byte (every choice comes from one seeded ``random.Random``).
What it makes, for ``--quotes N --people P``:

* sources: one article of about ``--per-source`` (100) quotes each, with a title line, a
  "Published Month D, YYYY" line and one paragraph per record it is cited by;
* people (P; Spanish and English names with accents and particles: "María de la Cruz Núñez",
  "Siobhán O'Brien"), with printed and editorial aliases; the case's own protagonists first (Betsy
  Chávez, Pedro Castillo, Hugo de Zera alias Zela...), who speak most often (Zipf);
* organisations, roles, charges with their history, sentences, custody, asylum and diplomatic
  events, events and notes, in proportion to P;
* quotes (N): Spanish (two in three) or English sentences of Zipf-distributed words, so that "de"
  and "la" are in most of them and "cha*" in about a third; short (2-6 words), medium and long
  (up to 100 words); direct, reported or epithet; dated at the day, the month or the year, a few
  undated; naming people; a rare word (:data:`RARE_WORD`) in exactly :data:`RARE_COUNT` of them.

Every record cites spans of its source; :func:`check` locates each one with
:func:`dossier.evidence.locate` and checks references (the provenance check of ``dossier build``),
then :func:`build` runs :func:`dossier.build.compile_case` and :func:`dossier.build.write_database`.
``--toml DIR`` also writes the case as ``DIR/data/synthetic.toml`` with its sources in
``DIR/seeds/``, for ``dossier build --data DIR/data/synthetic.toml`` end to end.
"""

from __future__ import annotations

import argparse
import bisect
import calendar
import hashlib
import itertools
import json
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import build as builder
from dossier import casefile
from dossier import kinds as registry
from dossier.casefile import (
    Case,
    CaseInfo,
    Evidence,
    Located,
    Record,
    StatusStep,
)
from dossier.dates import PartialDate
from dossier.evidence import locate

SEED = 6
RARE_WORD = "zarigüeya"
RARE_COUNT = 7
SLOT = "\x00"
PER_SOURCE = 100

# ---------------------------------------------------------------------------------------------------
# Words

ES_FUNCTION = {
    "de": 65, "la": 40, "que": 35, "el": 35, "en": 27, "y": 27, "a": 20, "los": 17, "se": 12,
    "del": 11, "las": 11, "un": 10, "por": 10, "con": 9, "no": 9, "una": 8, "su": 7, "para": 7,
    "es": 6, "al": 5, "lo": 5, "como": 5, "más": 4, "pero": 4, "sus": 4, "le": 3, "ya": 3,
    "o": 3, "fue": 3, "este": 3, "ha": 3, "sí": 2, "porque": 2, "esta": 2, "entre": 2,
    "cuando": 2, "muy": 2, "sin": 2, "sobre": 2, "también": 2, "me": 2, "hasta": 2, "hay": 2,
    "donde": 2, "desde": 2, "todo": 2, "nos": 2, "durante": 1, "todos": 1, "uno": 1, "les": 1,
    "ni": 1, "contra": 1, "otros": 1, "ese": 1, "eso": 1, "ante": 1, "ellos": 1, "esto": 1,
    "antes": 1, "algunos": 1, "qué": 1, "unos": 1, "yo": 1, "otro": 1, "él": 1, "tanto": 1,
}  # fmt: skip
EN_FUNCTION = {
    "the": 60, "of": 30, "and": 28, "to": 26, "a": 22, "in": 20, "is": 10, "that": 10,
    "for": 8, "it": 8, "was": 7, "on": 7, "with": 7, "he": 6, "as": 6, "we": 5, "they": 5,
    "be": 5, "at": 5, "by": 5, "this": 5, "have": 4, "from": 4, "not": 4, "but": 4, "his": 4,
    "her": 3, "are": 3, "or": 3, "will": 3, "an": 3, "which": 2, "their": 2, "has": 2,
    "would": 2, "there": 2, "been": 2, "who": 2, "all": 2, "no": 2, "our": 2,
}  # fmt: skip
ES_CONTENT = """
gobierno presidente congreso país justicia fiscal fiscalía tribunal juez jueza asilo embajada golpe
estado democracia constitución pueblo nación ley leyes juicio proceso sentencia cárcel prisión
libertad defensa abogado abogada cargo cargos delito rebelión conspiración sedición corrupción
ministro ministra canciller cancillería relaciones diplomáticas embajador embajadora frontera
elecciones votos campaña partido bancada oposición crisis poder político política económica
economía inflación trabajo campo campesinos maestros rondas provincias región regiones lima
cusco puno arequipa piura cajamarca chota tacabamba méxico perú bolivia colombia chile ecuador
argentina brasil venezuela naciones unidas derechos humanos prensa periodistas radio televisión
noticia noticias verdad mentira historia memoria futuro pasado presente año años mes meses día
días semana semanas mañana tarde noche hoy ayer siempre nunca ahora después luego pronto tiempo
vez veces caso casos parte partes gente personas familia familias hijos hijas esposa madre padre
hermano hermana amigo amigos enemigos aliados vecinos ciudad pueblos calle calles plaza palacio
casa casas puerta mano manos ojos voz palabra palabras mensaje carta cartas discurso entrevista
declaración declaraciones denuncia denuncias pruebas testigos audiencia audiencias apelación
recurso recursos orden órdenes decreto mandato vacancia destitución renuncia interino transición
seguridad policía ejército fuerzas armadas militares orden público protesta protestas marcha
marchas paro huelga bloqueo carreteras muertos heridos víctimas duelo dolor miedo esperanza
fe dios iglesia escuela educación salud hospital agua tierra minería cobre oro gas petróleo
exportaciones empresas empresarios bancos dinero presupuesto impuestos pobreza pobre pobres rico
ricos desigualdad racismo discriminación andino andina andinos rural rurales urbano ciudadanos
ciudadanía respeto dignidad honor traición lealtad valor valentía cobardía error errores culpa
culpable inocente inocencia responsabilidad decisión decisiones acuerdo acuerdos diálogo mesa
negociación reunión reuniones viaje viajes avión aeropuerto salvoconducto refugio refugiado
refugiada perseguido perseguida persecución político soberanía injerencia intervención
interferencia amistad ruptura hermandad histórico histórica grave graves urgente importante
nuevo nueva nuevos viejo vieja gran grande grandes pequeño primera primero último última largo
corto difícil fácil claro clara cierto cierta falso falsa justo justa injusto injusta legal
ilegal legítimo legítima ilegítimo dijo dice decía afirmó señaló sostuvo negó rechazó pidió
exigió denunció anunció confirmó aseguró advirtió recordó explicó agregó criticó acusó defendió
hablar decir hacer tener poder querer saber ver dar ir venir llegar salir volver seguir quedar
pensar creer sentir vivir morir luchar ganar perder cambiar romper cerrar abrir pedir buscar
chacra chaleco champú chantaje charla charlar chatarra chaqueta chamba chancho chapa chato charco
chamán champaña chance chaval chabola chacal chal chalé chaparro chaperón charanga charango chasqui
charqui chala chalaco chancay chanchamayo chavín chachapoyas chalhuanca
"""
EN_CONTENT = """
government president congress country justice prosecutor prosecutors court judge asylum embassy
coup state democracy constitution people nation law laws trial process sentence prison jail freedom
defence lawyer charge charges crime rebellion conspiracy sedition corruption minister ministers
foreign affairs relations diplomatic ambassador border elections votes campaign party opposition
crisis power political politics economy inflation work farmers teachers provinces region mexico
peru bolivia colombia chile ecuador rights human press journalists radio television news truth
lies history memory future past year years month months day days week weeks morning evening
night today yesterday always never now after later soon time case cases family children wife
mother father brother sister friend friends enemies allies neighbours city streets square palace
house door hand hands voice word words message letter speech interview statement statements
complaint evidence witnesses hearing hearings appeal order decree mandate impeachment resignation
interim transition security police army armed forces military protest protests march strike
roads dead wounded victims grief fear hope faith church school education health hospital water
land mining copper gold exports companies banks money budget taxes poverty poor rich inequality
racism discrimination rural urban citizens respect dignity honour betrayal loyalty courage error
guilty innocent responsibility decision agreement dialogue meeting travel plane airport refugee
persecution sovereignty interference intervention friendship rupture historic serious urgent
important new old great small first last long short difficult easy clear false fair unfair legal
illegal legitimate said says denied rejected asked demanded announced confirmed warned recalled
explained added criticised accused defended speak tell make have know see give go come leave
return follow stay think believe feel live die fight win lose change break close open seek
chance chancellor chair chamber champion channel chaos chapter charity charm chart chase chat
"""

FIRST_NAMES = """
José María Andrés Íñigo Ángela Inés Raúl Sofía Martín Lucía Begoña Nuria Germán Ramón Jesús Óscar
Álvaro Mónica Verónica Héctor Rubén Tomás Joaquín Agustín Iván Julián Benjamín Sebastián Valentín
Adrián Patricia Carmen Rosa Elena Pedro Betsy Hugo Dina Keiko Ollanta Alan Ana Luis Carlos Juan
Jorge Fernando Ricardo Eduardo Gustavo Alberto Manuel Javier Francisco Antonio Miguel Rafael
Guadalupe Ximena Yolanda Zoila Maritza Nélida Édgar César Aníbal Víctor Rocío Ruth Noemí Susana
John Mary James Elizabeth Robert Linda Michael Sarah William Emily David Jennifer Richard Susan
Thomas Karen Charles Nancy Daniel Lisa Matthew Betty Chloë Zoë Renée Noël Siobhán Seán Margaret
Catherine Peter Paul George Helen Anne Frances Edward Henry Alice Grace Claire Laura Emma Olivia
"""
SURNAMES = """
Chávez Castillo Pérez López García Rodríguez Martínez Hernández González Sánchez Ramírez Torres
Flores Rivera Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Jiménez Ruiz Álvarez Mendoza Vásquez
Castro Romero Herrera Medina Aguilar Vargas Guzmán Muñoz Rojas Núñez Quiñones Ibáñez Peña Cáceres
Benítez Chacón Chamorro Chaparro Fujimori Humala Toledo Boluarte Vizcarra Sagasti Kuczynski Acuña
Ugarte Salazar Cornejo Villanueva Quispe Mamani Huamán Condori Apaza Ccori Ticona Choque Cahuana
Espinoza Paredes Valdivia Zegarra Bedoya Olivera Cáceda Ñique Yupanqui Llosa Belaúnde Arguedas
Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Martin Jackson
O'Brien MacLeod Brontë Clarke Walker Wright Hughes Edwards Turner Bennett Hall Young Allen King
"""
PARTICLES = ("de", "de la", "del", "de los")

OCCUPATIONS = (
    "a congressman", "a congresswoman", "a former minister", "a lawyer", "a prosecutor", "a judge",
    "a journalist", "a trade union leader", "a farmer", "a rural schoolteacher", "an economist",
    "a political analyst", "a diplomat", "a police officer", "an army general", "a mayor",
    "a governor", "a student leader", "a human rights activist", "a businessman", "a priest",
)  # fmt: skip
CITIES = (
    "Lima", "Cusco", "Puno", "Arequipa", "Piura", "Cajamarca", "Chota", "Tacabamba", "Trujillo",
    "Chiclayo", "Iquitos", "Huancayo", "Ayacucho", "Tacna", "Mexico City", "Guadalajara",
    "Monterrey", "Oaxaca", "La Paz", "Bogotá", "Quito", "Santiago", "Madrid", "London",
)  # fmt: skip
STATES = (
    ("Peru", "Perú"), ("Mexico", "México"), ("Bolivia", None), ("Colombia", None),
    ("Chile", None), ("Ecuador", None), ("Argentina", None), ("Brazil", "Brasil"),
    ("Venezuela", None), ("Spain", "España"), ("the United States", None), ("Uruguay", None),
)  # fmt: skip
ROLE_TITLES = (
    "Prime minister", "Culture minister", "Foreign affairs minister", "Interior minister",
    "Justice minister", "Defence minister", "Economy minister", "Lawyer", "Member of Congress",
    "Ambassador", "Chief prosecutor", "Supreme Court judge", "Party leader", "Spokesperson",
)  # fmt: skip
OFFENCES = (
    "rebellion", "conspiracy", "sedition", "abuse of power", "grave disturbance of public order",
    "corruption", "money laundering", "influence peddling", "obstruction of justice",
)  # fmt: skip
EVENT_TYPES = ("impeachment", "trial opened", "hearing", "election", "protest", "speech")
MONTHS = tuple(calendar.month_name)


def _words(text: str) -> list[str]:
    return list(dict.fromkeys(text.split()))


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text).lower()).strip("-") or "x"


def _pseudo_words(rng: random.Random, count: int, syllables: Sequence[str]) -> list[str]:
    """A long tail of made-up words ("tacumbre", "llaviñón"): vocabularies are Zipfian."""
    out: dict[str, None] = {}
    while len(out) < count:
        n = rng.choice((2, 2, 3, 3, 3, 4))
        out["".join(rng.choice(syllables) for _ in range(n))] = None
    return list(out)


ES_SYLLABLES = (
    "ca", "ta", "ma", "ra", "la", "sa", "pa", "na", "co", "to", "mo", "ro", "lo", "so", "po",
    "ci", "ti", "mi", "ri", "li", "si", "pi", "ni", "cu", "tu", "mu", "ru", "lu", "su", "pu",
    "que", "gue", "llo", "lla", "ña", "ño", "ción", "dad", "mán", "rá", "tó", "bre", "tra",
    "pre", "gri", "vez", "mbo", "nte", "ndo", "rio", "sión", "güe", "ría", "món", "ces",
)  # fmt: skip
EN_SYLLABLES = (
    "ba", "ter", "ing", "con", "pro", "ment", "ly", "al", "er", "tion", "ous", "ful", "less",
    "ness", "ar", "or", "ish", "ble", "st", "th", "ow", "ea", "ou", "ee", "ck", "sh", "ch",
    "gr", "pl", "tr", "br", "wh", "wr", "kn", "mp", "nd", "nt", "rt", "ld", "ft", "ve",
)  # fmt: skip


@dataclass
class Vocabulary:
    words: list[str]
    cum: list[float]

    @classmethod
    def make(cls, function: dict[str, int], content: list[str], tail: list[str]) -> Vocabulary:
        """Function words take half the tokens, real content words 40%, the long tail of made-up
        words 10%; each group is Zipfian."""
        words: list[str] = []
        weights: list[float] = []
        for group, share in ((list(function), 0.5), (content, 0.4), (tail, 0.1)):
            if group is not content and group is not tail:
                raw = [float(function[w]) for w in group]
            else:
                raw = [1 / (i + 2) for i in range(len(group))]
            total = sum(raw)
            words += group
            weights += [share * w / total for w in raw]
        return cls(words, list(itertools.accumulate(weights)))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum, k=k)


# ---------------------------------------------------------------------------------------------------
# The dossier


@dataclass
class Spec:
    quotes: int
    people: int | None = None
    per_source: int = PER_SOURCE
    seed: int = SEED

    def people_count(self) -> int:
        return self.people if self.people is not None else max(20, self.quotes // 50)


@dataclass
class Synthetic:
    """A generated case before its provenance check: records, source texts, case info."""

    info: CaseInfo
    records: list[Record]
    texts: dict[str, str]
    spec: Spec
    sha256: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.records:
            out[r.KIND] = out.get(r.KIND, 0) + 1
        return out


class _Source:
    """A source article being written: paragraphs, each with the records it is evidence for."""

    def __init__(self, sid: str, title: str, published: PartialDate, language: str) -> None:
        self.id = sid
        self.title = title
        self.published = published
        self.language = language
        self.paragraphs: list[str] = []

    def add(self, paragraph: str) -> None:
        self.paragraphs.append(paragraph)

    def text(self) -> str:
        day = int(self.published.value[8:10])
        month = MONTHS[int(self.published.value[5:7])]
        head = f"{self.title}\nPublished {month} {day}, {self.published.value[:4]}\n\n"
        return head + "\n\n".join(self.paragraphs) + "\n"


def _date(rng: random.Random, lo: int = 2018, hi: int = 2025) -> PartialDate:
    year = rng.randint(lo, hi)
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    return PartialDate(f"{year:04d}-{month:02d}-{day:02d}", "day")


def _month_words(date: PartialDate) -> str:
    return f"{MONTHS[int(date.value[5:7])]} {date.value[:4]}"


def _month(date: PartialDate) -> PartialDate:
    return PartialDate(date.value[:7], "month")


def generate(spec: Spec) -> Synthetic:
    """Make the records and source texts of a synthetic case (deterministic for a spec)."""
    started = time.perf_counter()
    rng = random.Random(spec.seed)
    n_people = spec.people_count()
    n_sources = max(1, -(-spec.quotes // spec.per_source))
    es = Vocabulary.make(ES_FUNCTION, _words(ES_CONTENT), _pseudo_words(rng, 12000, ES_SYLLABLES))
    en = Vocabulary.make(EN_FUNCTION, _words(EN_CONTENT), _pseudo_words(rng, 8000, EN_SYLLABLES))
    first_names, surnames = _words(FIRST_NAMES), _words(SURNAMES)

    # -- sources: dates spread over eight years, in no particular order ----------------------------
    sources: list[_Source] = []
    for i in range(n_sources):
        published = _date(rng)
        language = "es" if rng.random() < 2 / 3 else "en"
        topic = " ".join(es.draw(rng, 3) if language == "es" else en.draw(rng, 3))
        sources.append(
            _Source(f"source-{i + 1:06d}", f"Report {i + 1}: {topic}", published, language)
        )

    def some_source() -> _Source:
        return sources[rng.randrange(n_sources)]

    records: list[Record] = []

    # -- people: the case's protagonists, then generated names --------------------------------------
    people: list[casefile.Person] = []
    names: dict[str, str] = {}
    fixed = [
        ("betsy-chavez", "Betsy Chávez", ("Betsy Chavez", "Chávez", "Chavez"), ()),
        ("pedro-castillo", "Pedro Castillo", ("Castillo",), ()),
        ("hugo-de-zera", "Hugo de Zera", (), ("Hugo de Zela", "de Zela")),
        ("dina-bolarte", "Dina Bolarte", (), ("Dina Boluarte", "Boluarte")),
        (
            "andres-manuel-lopez-obrador",
            "Andres Manuel López Obrador",
            ("López Obrador",),
            ("AMLO",),
        ),
        ("raul-nobresilla", "Raul Nobresilla", (), ("Raúl Noblecilla",)),
    ]
    taken: set[str] = set()
    for pid, name, aliases, editorial in fixed[:n_people]:
        taken.add(name)
        src = some_source()
        printed = f" (also written {', '.join(aliases)})" if aliases else ""
        sentence = f"{name}{printed}, {rng.choice(OCCUPATIONS)} from {rng.choice(CITIES)}"
        src.add(sentence + ", spoke to reporters.")
        p = casefile.Person(
            id=pid,
            name=name,
            aliases=aliases,
            editorial_aliases=editorial,
            description=f"Synthetic protagonist {len(people) + 1}.",
            evidence=(Evidence(sentence, source=src.id),),
        )
        people.append(p)
        names[pid] = name
    while len(people) < n_people:
        first = rng.choice(first_names)
        if rng.random() < 0.25:
            first += " " + rng.choice(first_names)
        last = rng.choice(surnames)
        if rng.random() < 0.15:
            last = f"{rng.choice(PARTICLES)} {rng.choice(surnames)}"
        if rng.random() < 0.4:
            last += " " + rng.choice(surnames)
        name = f"{first} {last}"
        if name in taken:
            continue
        taken.add(name)
        pid = slug(name)
        if pid in names:
            pid = f"{pid}-{len(people)}"
        aliases_l: list[str] = []
        if fold(name) != name:
            aliases_l.append(fold(name))
        if rng.random() < 0.3:
            aliases_l.append(f"Mr. {last}" if rng.random() < 0.5 else f"Ms. {last}")
        editorial_l = [f"{first} {rng.choice(surnames)}"] if rng.random() < 0.05 else []
        kind_group = rng.random() < 0.01
        src = some_source()
        printed = f" (also written {', '.join(aliases_l)})" if aliases_l else ""
        occupation, city = rng.choice(OCCUPATIONS), rng.choice(CITIES)
        sentence = f"{name}{printed}, {occupation} from {city}"
        src.add(sentence + ", was also present.")
        people.append(
            casefile.Person(
                id=pid,
                name=name,
                type="group" if kind_group else "person",
                aliases=tuple(aliases_l),
                editorial_aliases=tuple(editorial_l),
                description=f"{occupation.capitalize()} from {city}."
                if rng.random() < 0.7
                else None,
                evidence=(Evidence(sentence, source=src.id),),
            )
        )
        names[pid] = name
    records.extend(people)

    # -- organisations -----------------------------------------------------------------------------
    orgs: list[casefile.Organization] = []
    states: list[str] = []
    for name, alias in STATES:
        src = some_source()
        sentence = f"the government of {name}" + (f" ({alias})" if alias else "")
        src.add(f"A statement came from {sentence} on that day.")
        oid = slug(name.removeprefix("the "))
        orgs.append(
            casefile.Organization(
                id=oid,
                name=name,
                type="state",
                aliases=(alias,) if alias else (),
                evidence=(Evidence(sentence, source=src.id),),
            )
        )
        states.append(oid)
    n_orgs = max(len(STATES) + 4, n_people // 20)
    org_types = ("embassy", "court", "legislature", "prosecution", "media", "organisation")
    embassies: list[str] = []
    while len(orgs) < n_orgs:
        i = len(orgs)
        otype = org_types[i % len(org_types)]
        where = rng.choice(CITIES)
        if otype == "embassy":
            of_state = STATES[i % len(STATES)][0]
            name = f"the embassy of {of_state} in {where} no. {i}"
        else:
            label = {
                "court": "Court",
                "legislature": "Assembly",
                "prosecution": "Prosecutor's Office",
                "media": "Radio",
                "organisation": "Association",
            }[otype]
            name = f"{label} of {where} no. {i}"
        src = some_source()
        src.add(f"Officials of {name} declined to comment.")
        oid = f"org-{i:06d}"
        orgs.append(
            casefile.Organization(
                id=oid,
                name=name,
                type=otype,
                evidence=(Evidence(f"Officials of {name}", source=src.id),),
            )
        )
        if otype == "embassy":
            embassies.append(oid)
    records.extend(orgs)
    org_ids = [o.id for o in orgs]

    # Who speaks and who is named: Zipf over people (the protagonists most).
    person_cum = list(itertools.accumulate(1 / (i + 1) ** 0.9 for i in range(len(people))))
    person_ids = [p.id for p in people]

    def someone() -> str:
        return person_ids[bisect.bisect(person_cum, rng.random() * person_cum[-1])]

    def anyone() -> str:
        return person_ids[rng.randrange(len(person_ids))]

    # -- roles, charges, sentences, custody, asylum, diplomatic, events, notes ----------------------
    for i in range(max(1, n_people // 2)):
        holder = person_ids[i % len(person_ids)]
        title = ROLE_TITLES[i % len(ROLE_TITLES)]
        org = rng.choice(org_ids)
        start = _month(_date(rng))
        src = some_source()
        words = _month_words(start)
        sentence = f"{names[holder]} was appointed {title.lower()} (post {i + 1}) in {words}"
        src.add(sentence + ".")
        records.append(
            casefile.Role(
                id=f"role-{i + 1:06d}",
                holder=holder,
                title=title,
                organization=org,
                status=rng.choice(("current", "former", None)),
                start=PartialDate(start.value, "month", text=words, rule="as printed"),
                evidence=(Evidence(sentence, source=src.id),),
            )
        )
    charges: list[tuple[str, str]] = []
    for i in range(max(1, n_people // 20)):
        defendant = person_ids[(i * 7) % len(person_ids)]
        offence = OFFENCES[i % len(OFFENCES)]
        src = some_source()
        cid = f"charge-{i + 1:06d}"
        head = f"{names[defendant]} was charged with {offence} in case {i + 1}"
        src.add(head + ".")
        steps = []
        for s, status in enumerate(("indicted", "on trial")[: rng.randint(0, 2)]):
            when = _month(_date(rng))
            step = f"In case {i + 1}, {names[defendant]} was {status} ({s + 1}) in {_month_words(when)}"
            src.add(step + ".")
            steps.append(StatusStep(status, when, evidence=(Evidence(step, source=src.id),)))
        records.append(
            casefile.Charge(
                id=cid,
                defendant=defendant,
                offence=offence.capitalize(),
                alleges=f"Synthetic allegation {i + 1}." if rng.random() < 0.5 else None,
                plea=rng.choice(("denies", "admits", None)),
                history=tuple(steps),
                evidence=(Evidence(head, source=src.id),),
            )
        )
        charges.append((cid, defendant))
    prosecutors = next((o.id for o in orgs if o.type == "prosecution"), org_ids[0])
    court = next((o.id for o in orgs if o.type == "court"), org_ids[0])
    for i, (cid, defendant) in enumerate(charges[: max(1, len(charges) // 2)]):
        years = rng.randint(3, 35)
        requested = i % 2 == 0
        src = some_source()
        sentence = (
            f"Prosecutors asked for a {years}-year sentence for {names[defendant]} in case {i + 1}"
            if requested
            else f"A court sentenced {names[defendant]} to {years} years in case {i + 1}"
        )
        src.add(sentence + ".")
        records.append(
            casefile.Sentence(
                id=f"sentence-{i + 1:06d}",
                defendant=defendant,
                kind="requested" if requested else "imposed",
                by=prosecutors if requested else court,
                charge=cid,
                term=f"P{years}Y",
                date=_month(_date(rng)) if rng.random() < 0.7 else None,
                evidence=(Evidence(sentence, source=src.id),),
            )
        )
        src = some_source()
        status = ("arrested", "preventive detention", "released on bail", "in prison")[i % 4]
        custody = f"{names[defendant]} was in {status} (custody {i + 1})"
        src.add(custody + ".")
        records.append(
            casefile.Custody(
                id=f"custody-{i + 1:06d}",
                person=defendant,
                status=status,
                start=_month(_date(rng)),
                evidence=(Evidence(custody, source=src.id),),
            )
        )
    for i in range(max(1, n_people // 100)):
        person = someone()
        state = states[1 + i % (len(states) - 1)]
        src = some_source()
        kind = ("sought", "granted", "refused", "safe conduct", "intercepted")[i % 5]
        sentence = f"Asylum {kind} for {names[person]} (request {i + 1})"
        src.add(sentence + ".")
        records.append(
            casefile.Asylum(
                id=f"asylum-{i + 1:06d}",
                type=kind,
                person=person,
                state=state,
                embassy=embassies[i % len(embassies)] if embassies else None,
                date=_date(rng),
                evidence=(Evidence(sentence, source=src.id),),
            )
        )
    for i in range(max(1, n_people // 200)):
        a, b = rng.sample(states, 2)
        kind = ("ambassador expelled", "relations severed", "protest", "relations restored")[i % 4]
        src = some_source()
        sentence = f"Diplomatic note {i + 1}: {kind}"
        src.add(sentence + ".")
        records.append(
            casefile.Diplomatic(
                id=f"diplomatic-{i + 1:06d}",
                type=kind,
                actor=a,
                counterpart=b,
                by=someone() if rng.random() < 0.5 else None,
                date=_date(rng),
                evidence=(Evidence(sentence, source=src.id),),
            )
        )
    for i in range(max(1, n_people // 50)):
        etype = EVENT_TYPES[i % len(EVENT_TYPES)]
        who = someone()
        src = some_source()
        title = f"{etype.capitalize()} with {names[who]} (event {i + 1})"
        src.add(title + ".")
        records.append(
            casefile.Event(
                id=f"event-{i + 1:06d}",
                type=etype,
                title=title,
                participants=(who,),
                date=_date(rng) if rng.random() < 0.9 else None,
                evidence=(Evidence(title, source=src.id),),
            )
        )

    # -- quotes ------------------------------------------------------------------------------------
    quotes: list[casefile.Quote] = []
    rare_every = max(spec.quotes // RARE_COUNT, 1)
    texts_in: dict[str, set[str]] = {}
    slots: dict[str, tuple[_Source, int, str]] = {}
    for i in range(spec.quotes):
        src = sources[i // spec.per_source]
        text, kind = _quote_text(rng, es if src.language == "es" else en, src.language)
        if i % rare_every == rare_every // 2 and i // rare_every < RARE_COUNT:
            text = text.rstrip(".?!") + f" {RARE_WORD}."
        speakers = () if kind == "epithet" else (someone(),)
        mentions = tuple(
            dict.fromkeys(
                m for _ in range(rng.choice((0, 0, 1, 1, 2))) if (m := someone()) not in speakers
            )
        )
        if mentions and rng.random() < 0.5:  # name a mentioned person in the words
            surname = names[mentions[0]].split()[-1]
            cut = text.find(" ", len(text) // 2)
            if cut > 0:
                text = f"{text[:cut]} {surname}{text[cut:]}"
        seen = texts_in.setdefault(src.id, set())
        while text in seen:
            text = text.rstrip(".?!") + f" {rng.choice(es.words[:60])}."
        seen.add(text)
        roll = rng.random()
        if roll < 0.70:
            date: PartialDate | None = src.published
        elif roll < 0.85:
            date = _month(src.published)
        elif roll < 0.92:
            date = PartialDate(src.published.value[:4], "year", approx=rng.random() < 0.3)
        elif roll < 0.95:
            date = _month(_date(rng))
        else:
            date = None
        who = names[speakers[0]] if speakers else "Critics"
        if kind == "direct":
            template = f"{who} said: “{SLOT}”"
        elif kind == "reported":
            template = f"According to {who}, {SLOT}"
        else:
            target = names[mentions[0]] if mentions else "the president"
            template = f"{who} called {target} “{SLOT}”."
        slots[f"quote-{i + 1:07d}"] = (src, len(src.paragraphs), template)
        src.add(template.replace(SLOT, text))
        quotes.append(
            casefile.Quote(
                id=f"quote-{i + 1:07d}",
                kind=kind,
                text=text,
                speakers=speakers,
                mentions=mentions,
                date=date,
                source=src.id,
            )
        )

    # -- notes -------------------------------------------------------------------------------------
    for i in range(max(1, n_people // 50)):
        about = someone()
        src = some_source()
        editorial = i % 2 == 0
        sentence = f"Spelling {i + 1}: {names[about]}"
        src.add(f"({sentence}.)")
        records.append(
            casefile.Note(
                id=f"note-{i + 1:06d}",
                kind="editorial" if editorial else "discrepancy",
                text=f"Synthetic note {i + 1} on {names[about]}.",
                about=(about,),
                basis="Analyst's knowledge; synthetic." if editorial else None,
                evidence=(Evidence(sentence, source=src.id),),
            )
        )

    _make_unique(sources, records, quotes, slots, rng, es)
    texts = {s.id: s.text() for s in sources}
    source_records = [
        casefile.Source(
            id=s.id,
            file=f"seeds/{s.id}.txt",
            title=s.title,
            published=s.published,
            language=s.language,
            sha256=hashlib.sha256(texts[s.id].encode("utf-8")).hexdigest(),
            evidence=(
                Evidence(
                    f"Published {MONTHS[int(s.published.value[5:7])]} "
                    f"{int(s.published.value[8:10])}, {s.published.value[:4]}"
                ),
            ),
            source=s.id,
        )
        for s in sources
    ]
    # In the order the loader reads a case file: by kind, in the order of the kinds registry.
    rank = {s.record: i for i, s in enumerate(registry.specs())}
    all_records = sorted([*source_records, *records, *quotes], key=lambda r: rank[type(r)])
    info = CaseInfo(
        id=f"synthetic-{spec.quotes}",
        title=f"Synthetic dossier: {spec.quotes:,} quotes, {n_people:,} people",
        summary="A generated case for benchmarks: realistic names and words, no real facts.",
        default_source=source_records[0].id,
    )
    synthetic = Synthetic(info, all_records, texts, spec)
    digest = hashlib.sha256()
    for r in synthetic.records:
        digest.update(repr(r).encode())
    synthetic.sha256 = digest.hexdigest()
    synthetic.timings["generate"] = time.perf_counter() - started
    return synthetic


def _quote_text(rng: random.Random, vocab: Vocabulary, language: str) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.12:
        n, kind = rng.randint(2, 6), "epithet"
    elif roll < 0.20:
        n, kind = rng.randint(3, 8), "direct"
    elif roll < 0.90:
        n, kind = rng.randint(8, 30), "direct" if rng.random() < 0.7 else "reported"
    else:
        n, kind = rng.randint(40, 100), "direct"
    words = vocab.draw(rng, n)
    if n > 10:  # a comma or two, as people speak
        for _ in range(n // 12):
            at = rng.randrange(1, n - 1)
            words[at] += ","
    words[0] = words[0][:1].upper() + words[0][1:]
    if kind == "epithet":
        return " ".join(words), kind
    end = "." if rng.random() < 0.85 else ("?" if rng.random() < 0.5 else "!")
    if language == "es" and end != ".":
        words[0] = ("¿" if end == "?" else "¡") + words[0]
    return " ".join(words) + end, kind


def _make_unique(
    sources: list[_Source],
    records: list[Record],
    quotes: list[casefile.Quote],
    slots: dict[str, tuple[_Source, int, str]],
    rng: random.Random,
    vocab: Vocabulary,
) -> None:
    """Make every span occur once in its source. A span of another record that occurs more than
    once (two people of one name in an article) gets the words before it as a ``prefix``; a
    quote's own words cannot take one, so a quote found twice (a short one inside a longer one)
    gets a word more, in its record and in its source."""
    for _ in range(10):
        texts = {s.id: s.text() for s in sources}
        changed = 0
        for index, q in enumerate(quotes):
            text = texts[q.source or ""]
            if text.count(q.text) == 1:
                continue
            src, at, template = slots[q.id]
            new = q.text.rstrip(".?!") + f" {rng.choice(vocab.words[60:400])}."
            src.paragraphs[at] = template.replace(SLOT, new)
            quotes[index] = _replace(q, text=new)
            changed += 1
        if not changed:
            break
    else:  # pragma: no cover
        raise RuntimeError("could not make the quotes unique")
    for index, record in enumerate(records):
        items = []
        for ev in record.evidence:
            text = texts[ev.source or ""]
            if text.count(ev.quote) != 1 and ev.prefix is None:
                at = text.rfind(ev.quote)
                ev = Evidence(ev.quote, ev.source, prefix=text[max(at - 40, 0) : at])
            items.append(ev)
        if isinstance(record, casefile.Charge):
            steps = []
            for step in record.history:
                (ev,) = step.evidence
                text = texts[ev.source or ""]
                if text.count(ev.quote) != 1:
                    at = text.rfind(ev.quote)
                    ev = Evidence(ev.quote, ev.source, prefix=text[max(at - 40, 0) : at])
                steps.append(StatusStep(step.status, step.date, evidence=(ev,)))
            record = _replace(record, history=tuple(steps))
        records[index] = _replace(record, evidence=tuple(items))


def _replace(record: Any, **changes: Any) -> Any:
    import dataclasses

    return dataclasses.replace(record, **changes)


# ---------------------------------------------------------------------------------------------------
# Provenance check and build


def check(synthetic: Synthetic, path: Path | None = None) -> Case:
    """What ``casefile.load`` checks once the TOML is read: references exist and are of the right
    kind, and every evidence item is found exactly once in its source (``locate``); date words lie
    inside the record's spans. Returns the checked :class:`Case`."""
    records = synthetic.records
    texts = synthetic.texts
    default = synthetic.info.default_source
    kinds = {r.id: r.KIND for r in records}
    if len(kinds) != len(records):
        raise ValueError("duplicate ids")
    located: dict[str, tuple[Located, ...]] = {}
    for record in records:
        for name, allowed in casefile.ref_fields(type(record)):
            value = getattr(record, name)
            for target in value if isinstance(value, tuple) else (value,):
                if target is not None and (allowed and kinds.get(target) not in allowed):
                    raise ValueError(f"{record.id}: {name} {target!r} is not a {allowed}")
        found = []
        for ev in record.evidence_items():
            sid = ev.source or record.source or default
            assert sid is not None
            found.append(Located(sid, locate(texts[sid], ev.quote, ev.prefix, ev.suffix)))
        located[record.id] = tuple(found)
        casefile._check_date_words(record, found, _NoWhere())  # type: ignore[arg-type]
    return Case(
        path=path or Path(f"{synthetic.info.id}.toml"),
        sha256=synthetic.sha256,
        info=synthetic.info,
        records=tuple(records),
        texts=texts,
        located=located,
        lines={},
    )


class _NoWhere:
    def fail(self, key: str | None, message: str) -> Exception:
        return ValueError(f"{key}: {message}")


def build(
    synthetic: Synthetic, out: Path, *, say: Callable[[str], None] | None = None
) -> dict[str, float]:
    """Check, compile and write the dossier at ``out``; the seconds each step took."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    case = check(synthetic)
    t1 = time.perf_counter()
    timings["check"] = t1 - t0
    compiled = builder.compile_case(case)
    t2 = time.perf_counter()
    timings["compile"] = t2 - t1
    builder.write_database(out, lambda conn: builder.fill(conn, compiled))
    timings["write"] = time.perf_counter() - t2
    timings["total"] = time.perf_counter() - t0
    if say:
        say(" ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
    return timings


# ---------------------------------------------------------------------------------------------------
# TOML


def _toml_value(value: Any) -> str | None:
    if value is None or value == () or value is False:
        return None
    if value is True:
        return "true"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, PartialDate):
        if not (value.text or value.rule or value.approx):
            return json.dumps(value.value)
        parts = [f"value = {json.dumps(value.value)}"]
        if value.text:
            parts.append(f"text = {json.dumps(value.text, ensure_ascii=False)}")
        if value.rule:
            parts.append(f"rule = {json.dumps(value.rule, ensure_ascii=False)}")
        if value.approx:
            parts.append("approx = true")
        return "{ " + ", ".join(parts) + " }"
    if isinstance(value, Evidence):
        parts = [f"quote = {json.dumps(value.quote, ensure_ascii=False)}"]
        for key in ("source", "prefix", "suffix"):
            v = getattr(value, key)
            if v is not None:
                parts.append(f"{key} = {json.dumps(v, ensure_ascii=False)}")
        return "{ " + ", ".join(parts) + " }"
    if isinstance(value, StatusStep):
        parts = [f"status = {json.dumps(value.status)}"]
        if value.date is not None:
            parts.append(f"date = {_toml_value(value.date)}")
        if value.evidence:
            parts.append(f"evidence = {_toml_value(value.evidence)}")
        return "{ " + ", ".join(parts) + " }"
    if isinstance(value, tuple):
        items = [_toml_value(v) for v in value]
        return "[" + ", ".join(i for i in items if i is not None) + "]"
    raise TypeError(type(value))


def write_toml(synthetic: Synthetic, root: Path) -> Path:
    """Write the case as ``root/data/synthetic.toml`` and its sources in ``root/seeds/``."""
    import dataclasses

    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "seeds").mkdir(parents=True, exist_ok=True)
    for sid, text in synthetic.texts.items():
        (root / "seeds" / f"{sid}.txt").write_text(text, encoding="utf-8")
    path = root / "data" / "synthetic.toml"
    info = synthetic.info
    with path.open("w", encoding="utf-8") as fh:
        fh.write("format = 1\n\n[case]\n")
        for key in ("id", "title", "summary", "default_source"):
            fh.write(f"{key} = {json.dumps(getattr(info, key), ensure_ascii=False)}\n")
        for record in synthetic.records:
            fh.write(f"\n[[{record.TABLE}]]\n")
            for f in dataclasses.fields(record):
                value = getattr(record, f.name)
                if isinstance(record, casefile.Quote) and f.name == "source":
                    pass  # a quote's own words are cited in its source
                if f.name == "type" and value == f.default:
                    continue
                shown = _toml_value(value)
                if shown is not None:
                    fh.write(f"{f.name} = {shown}\n")
    return path


# ---------------------------------------------------------------------------------------------------


def describe(synthetic: Synthetic) -> str:
    counts = synthetic.counts
    parts = ", ".join(f"{n:,} {k}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    chars = sum(len(t) for t in synthetic.texts.values())
    return (
        f"{len(synthetic.records):,} records ({parts}); {chars / 1e6:,.1f} M characters of sources"
    )


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=int, default=10_000)
    parser.add_argument(
        "--people", type=int, default=None, help="default: quotes / 50, at least 20"
    )
    parser.add_argument("--per-source", type=int, default=PER_SOURCE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, help="the dossier database to write")
    parser.add_argument("--toml", type=Path, help="also write the case file and sources here")
    args = parser.parse_args(list(argv) if argv is not None else None)
    spec = Spec(args.quotes, args.people, args.per_source, args.seed)
    synthetic = generate(spec)
    print(
        f"generated in {synthetic.timings['generate']:.1f} s: {describe(synthetic)}",
        file=sys.stderr,
    )
    if args.toml:
        path = write_toml(synthetic, args.toml)
        print(f"wrote {path}", file=sys.stderr)
    if args.out:
        build(synthetic, args.out, say=lambda m: print(f"built {args.out}: {m}", file=sys.stderr))


if __name__ == "__main__":
    main()
