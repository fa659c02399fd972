"""A synthetic padrón for demos and benchmarks: `manage.py generate_padron <slug>`.

It writes what the actions would have written, person by person, but in bulk (PostgreSQL
COPY in batches of households) so that 400,000 inhabitants take minutes, not hours:

* a callejero when the entity has none: entidad colectiva, entidades singulares, núcleos
  and a diseminado, 1–4 distritos, secciones of ~1,500 people, 40–400 vías with INE street
  types and tramos of each parity;
* households of 1–6 people at addresses inside those tramos, each with its hoja padronal;
* per person: the Habitante row (NIA and hoja numbers from the same sequences as
  padron.actions), an alta Movimiento with the data snapshot, residence periods, and in
  the history cambios de domicilio, ENCSARP renewals and bajas (deaths, moves away);
* ~10 % foreign nationals (codes from padron.codelists), valid DNI/NIE check letters
  (python-stdnum), and a few pending INE errors.

`inhabitants` counts the people inscribed at the end; former inhabitants (bajas) come on
top. The same seed gives the same padrón on an empty schema.
"""

from __future__ import annotations

import bisect
import datetime
import io
import json
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django_tenants.utils import schema_context
from stdnum.es import dni as stdnum_dni
from stdnum.es import nie as stdnum_nie

from padron import codelists
from padron.actions import RENEWAL_YEARS, normalize
from padron.choices import Causa, NivelEstudios, PrecisionFecha, Sexo, TipoDocumento, TipoNumeracion
from padron.models import (
    Distrito,
    Domicilio,
    EntidadColectiva,
    EntidadSingular,
    ErrorINE,
    Habitante,
    HojaPadronal,
    Movimiento,
    Nucleo,
    PeriodoResidencia,
    Seccion,
    TipoVia,
    Tramo,
    Via,
    ViaNombre,
)
from padron.models.territorio import Vigencia

PADRON_CONTINUO = datetime.date(1996, 5, 1)  # first day of the continuous padrón
# Shown as "Tramitó" on every generated operation: Spanish words, not the command's name.
CLERK_NAME = "Carga inicial (generador de datos de demostración)"
# Operations of past months have gone to INE in its monthly files; the recent ones wait.
INE_STATE_SENT = "enviado"
INE_STATE_PENDING = "pendiente"
PEOPLE_PER_SECCION = 1_500
BATCH_HOUSEHOLDS = 4_000

# --- names ---------------------------------------------------------------------------

MALE = ("Antonio", "José", "Manuel", "Francisco", "Juan", "David", "José Antonio", "Javier",
        "Daniel", "José Luis", "Francisco Javier", "Carlos", "Jesús", "Alejandro", "Miguel",
        "José Manuel", "Rafael", "Pablo", "Pedro", "Ángel", "Sergio", "Fernando", "Jorge",
        "Luis", "Alberto", "Álvaro", "Adrián", "Diego", "Raúl", "Enrique", "Ramón", "Vicente",
        "Iván", "Rubén", "Óscar", "Andrés", "Joaquín", "Santiago", "Eduardo", "Víctor",
        "Mario", "Roberto", "Jaime", "Ignacio", "Hugo", "Marcos", "Lucas", "Mateo", "Martín",
        "Leo", "Vicent", "Josep", "Jordi", "Pau", "Joan", "Xavier", "Pere", "Marc", "Àlex",
        "Toni", "Salvador", "Gabriel", "Nicolás", "Gonzalo", "Emilio", "Julián", "Tomás")
FEMALE = ("María Carmen", "María", "Carmen", "Ana María", "Laura", "María Pilar", "María Dolores",
          "Isabel", "Josefa", "Ana", "Marta", "Cristina", "María Teresa", "Lucía", "Francisca",
          "Antonia", "Dolores", "Sara", "Paula", "Elena", "María Ángeles", "Raquel", "Pilar",
          "Rosa María", "Manuela", "Concepción", "Mercedes", "Julia", "Beatriz", "Silvia",
          "Nuria", "Irene", "Patricia", "Rocío", "Andrea", "Rosario", "Alba", "Sofía", "Martina",
          "Valeria", "Daniela", "Claudia", "Carla", "Noelia", "Inmaculada", "Amparo",
          "Remedios", "Consuelo", "Encarnación", "Neus", "Laia", "Núria", "Montserrat", "Mireia",
          "Empar", "Maria Josep", "Aitana", "Lorena", "Esther", "Eva", "Verónica", "Miriam")
# Names given since the late 1990s.
MALE_RECENT = ("Hugo", "Lucas", "Mateo", "Martín", "Leo", "Pablo", "Daniel", "Alejandro",
               "Álvaro", "Adrián", "Marc", "Pau", "Àlex", "Izan", "Thiago", "Eric", "Nil",
               "Bruno", "Manuel", "Enzo", "Jorge", "Marco", "Joel", "Héctor", "Iker")
FEMALE_RECENT = ("Lucía", "Sofía", "Martina", "Valeria", "Paula", "Julia", "Daniela", "Carla",
                 "Alba", "Aitana", "Laia", "Emma", "Olivia", "Claudia", "Noa", "Vega", "Mía",
                 "Sara", "Irene", "Marta", "Lola", "Carmen", "Elena", "Ariadna", "Chloe")
# (partícula, apellido): the commonest Spanish surnames, some of the Alicante area.
SURNAMES = tuple(("", s) for s in (
    "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez",
    "Gómez", "Martín", "Jiménez", "Hernández", "Ruiz", "Díaz", "Moreno", "Muñoz", "Álvarez",
    "Romero", "Gutiérrez", "Alonso", "Navarro", "Torres", "Domínguez", "Ramos", "Vázquez",
    "Ramírez", "Gil", "Serrano", "Morales", "Molina", "Blanco", "Suárez", "Castro", "Ortega",
    "Delgado", "Ortiz", "Marín", "Rubio", "Núñez", "Medina", "Sanz", "Castillo", "Iglesias",
    "Cortés", "Garrido", "Santos", "Guerrero", "Lozano", "Cano", "Cruz", "Méndez", "Flores",
    "Prieto", "Herrera", "Peña", "León", "Márquez", "Cabrera", "Gallego", "Calvo", "Vidal",
    "Campos", "Reyes", "Vega", "Fuentes", "Carrasco", "Díez", "Aguilar", "Caballero", "Nieto",
    "Santana", "Pascual", "Herrero", "Montero", "Lorenzo", "Hidalgo", "Giménez", "Ibáñez",
    "Ferrer", "Durán", "Vicente", "Benítez", "Mora", "Arias", "Soler", "Pastor", "Llorens",
    "Sempere", "Botella", "Verdú", "Brotons", "Jover", "Mira", "Payá", "Sanchis", "Ribes",
    "Climent", "Miralles", "Monllor", "Carbonell", "Francés", "Vicedo", "Llopis", "Ferrándiz",
    "Cerdá", "Alemany", "Pomares", "Sirvent", "Amorós", "Guill", "Belda", "Tomás", "Espí",
)) + (("de la", "Fuente"), ("del", "Río"), ("de", "Haro"), ("de la", "Cruz"), ("del", "Valle"),
      ("de", "Gea"))

# Foreign nationalities: (name in padron/data/paises.csv, weight, male names, female names,
# surnames, two surnames). Weights follow the foreign population of the province.
FOREIGN = (
    ("Reino Unido", 17, ("James", "John", "David", "Peter", "Michael", "Paul", "Thomas"),
     ("Susan", "Margaret", "Elizabeth", "Sarah", "Emma", "Karen", "Jennifer"),
     ("Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Walker",
      "O'Brien"), False),
    ("Marruecos", 15, ("Mohamed", "Ahmed", "Youssef", "Rachid", "Said", "Hassan", "Mustapha"),
     ("Fatima", "Khadija", "Amina", "Nadia", "Samira", "Malika", "Zineb"),
     ("El Amrani", "Benali", "El Idrissi", "Bouzid", "Alaoui", "Tazi", "Haddad", "Mansouri",
      "Cherkaoui", "El Fassi"), False),
    ("Rumanía", 11, ("Ion", "Gheorghe", "Andrei", "Mihai", "Florin", "Constantin", "Vasile"),
     ("Elena", "Maria", "Ioana", "Ana", "Cristina", "Mihaela", "Gabriela"),
     ("Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Munteanu", "Rusu"), False),
    ("Colombia", 8, ("Jhon", "Andrés Felipe", "Juan David", "Carlos", "Luis", "Jorge"),
     ("Luisa Fernanda", "Valentina", "Diana", "Paola", "Natalia", "Daniela"),
     ("Rodríguez", "Gómez", "González", "Martínez", "García", "Ramírez", "Vargas", "Castaño",
      "Ospina", "Restrepo"), True),
    ("Ucrania", 6, ("Oleksandr", "Andriy", "Serhiy", "Dmytro", "Volodymyr", "Mykola"),
     ("Olena", "Iryna", "Natalia", "Oksana", "Tetiana", "Yulia"),
     ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk"), False),
    ("Italia", 6, ("Giuseppe", "Marco", "Luca", "Alessandro", "Francesco", "Matteo"),
     ("Giulia", "Francesca", "Chiara", "Sara", "Valentina", "Alessia"),
     ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci"), False),
    ("Alemania", 5, ("Hans", "Klaus", "Jürgen", "Wolfgang", "Stefan", "Michael"),
     ("Ursula", "Monika", "Petra", "Sabine", "Birgit", "Karin"),
     ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"), False),
    ("Venezuela", 5, ("José Gregorio", "Luis", "Carlos", "Jesús", "Rafael"),
     ("María Alejandra", "Andreína", "Gabriela", "Mariana", "Yusmary"),
     ("González", "Pérez", "Hernández", "Rodríguez", "Díaz", "Morales", "Salazar"), True),
    ("Argentina", 5, ("Martín", "Sebastián", "Facundo", "Gustavo", "Diego", "Pablo"),
     ("Florencia", "Agustina", "Camila", "Silvina", "Romina", "Lucía"),
     ("González", "Rodríguez", "Fernández", "López", "Romero", "Sosa", "Benítez"), True),
    ("Francia", 4, ("Jean", "Pierre", "Michel", "Philippe", "Nicolas", "Julien"),
     ("Marie", "Nathalie", "Isabelle", "Sophie", "Camille", "Céline"),
     ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"), False),
    ("Ecuador", 4, ("Segundo", "Luis", "Wilson", "Fabián", "Édgar"),
     ("Mercedes", "Gladys", "Lourdes", "Rosa", "Jessica"),
     ("Quispe", "Guamán", "Chicaiza", "Pilamunga", "Zambrano", "Cedeño", "Vera"), True),
    ("Bulgaria", 3, ("Georgi", "Ivan", "Dimitar", "Petar", "Nikolay"),
     ("Maria", "Elena", "Ivanka", "Desislava", "Petya"),
     ("Ivanov", "Georgiev", "Dimitrov", "Petrov", "Nikolov", "Stoyanov"), False),
    ("China", 3, ("Wei", "Jun", "Lei", "Jian", "Hao"), ("Fang", "Jing", "Li", "Hui", "Min"),
     ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhou"), False),
    ("Argelia", 2, ("Karim", "Farid", "Mourad", "Abdelkader"), ("Nadia", "Samia", "Amel"),
     ("Benaissa", "Boudiaf", "Hamidi", "Khelifi"), False),
    ("Senegal", 2, ("Mamadou", "Moussa", "Ibrahima", "Cheikh"), ("Awa", "Fatou", "Aminata"),
     ("Diop", "Ndiaye", "Fall", "Sow", "Diallo", "Gueye"), False),
    ("Países Bajos", 2, ("Jan", "Pieter", "Willem", "Henk"), ("Anna", "Johanna", "Ingrid"),
     ("de Jong", "Jansen", "de Vries", "van Dijk", "Bakker"), False),
    ("Bélgica", 2, ("Luc", "Marc", "Dirk", "Patrick"), ("Annick", "Els", "Martine"),
     ("Peeters", "Janssens", "Maes", "Jacobs", "Claes"), False),
)
# Where people come from and were born (INE province + municipality codes).
MUNICIPIOS = ("03014", "03065", "46250", "28079", "08019", "30030", "02003", "41091", "12040",
              "03099", "03133", "03031", "03009", "03140")
PEDANIAS = ("El Pla", "Les Cases", "La Canyada", "El Xarco", "Els Fondonets", "La Alcoraya")
STREETS = (
    "Mayor", "San Vicente", "San José", "Santa Ana", "San Roque", "San Antonio", "San Pedro",
    "San Juan", "Santa Bárbara", "Constitución", "Jaume I", "Alfonso X el Sabio",
    "Reyes Católicos", "Pintor Sorolla", "Doctor Fleming", "Miguel Hernández", "Gabriel Miró",
    "Azorín", "Blasco Ibáñez", "Ramón y Cajal", "Cervantes", "Lope de Vega", "Quevedo",
    "Antonio Machado", "Federico García Lorca", "Juan Ramón Jiménez", "Maestro Rodrigo",
    "Ausiàs March", "Joanot Martorell", "Sant Vicent Ferrer", "Colón", "Jorge Juan",
    "Juan Sebastián Elcano", "Alicante", "Valencia", "Murcia", "Madrid", "Elche", "Alcoy",
    "Villena", "Novelda", "Petrer", "Sax", "Ibi", "Jijona", "Orihuela", "Denia", "Altea",
    "La Paz", "La Libertad", "Los Almendros", "Los Olivos", "Los Pinos", "Las Palmeras",
    "Las Rosas", "Los Naranjos", "Los Limoneros", "Las Moreras", "Los Geranios", "Las Acacias",
    "Los Álamos", "El Sol", "La Luna", "Las Estrellas", "El Mar", "El Río", "La Fuente",
    "El Molino", "La Estación", "El Castillo", "La Ermita", "El Calvario", "La Huerta",
    "La Cruz", "La Rambla", "El Pozo", "La Balsa", "Los Huertos", "Europa", "América",
    "Mediterráneo", "Nueve de Octubre", "Primero de Mayo", "Doce de Octubre", "Trabajo",
    "Industria", "Comercio", "Agricultura", "Música", "Clara Campoamor", "Rosalía de Castro",
    "Concepción Arenal", "Emilia Pardo Bazán", "Isabel la Católica", "Óscar Esplá",
    "Ruperto Chapí", "Vicente Aleixandre", "Gloria Fuertes", "Severo Ochoa", "Isaac Peral",
    "Marie Curie", "Poeta Zorrilla", "Pintor Gisbert", "Virgen del Remedio", "Hermanos Pinzón",
)
STREET_PREFIXES = ("Pintor", "Poeta", "Doctor", "Maestro", "Escritor", "Músico", "Escultor",
                   "Compositor", "Ingeniero", "Arquitecto")
# INE street types (codelists) with their weights; PTDA (partida) only in the diseminado.
STREET_TYPES = (("CALLE", 72), ("AVDA", 8), ("PLAZA", 6), ("TRVA", 4), ("CMNO", 3),
                ("PASEO", 2), ("URB", 2), ("RONDA", 1), ("GTA", 1), ("PSAJE", 1))
INE_ERRORS = (
    ("E011", "Documento de identidad inexistente en la base del INE"),
    ("E024", "Fecha de nacimiento no coincide con la del documento"),
    ("E037", "Posible duplicado: inscrito en otro municipio"),
    ("E052", "Nacionalidad incompatible con el tipo de documento"),
)
EDUCATION = ((NivelEstudios.SIN_ESTUDIOS, 6), (NivelEstudios.PRIMARIA_INCOMPLETA, 8),
             (NivelEstudios.PRIMARIA, 30), (NivelEstudios.FP1, 8), (NivelEstudios.FP2, 10),
             (NivelEstudios.BACHILLER, 14), (NivelEstudios.DIPLOMADO, 10),
             (NivelEstudios.LICENCIADO, 12), (NivelEstudios.DOCTORADO, 2))


# --- COPY ----------------------------------------------------------------------------

# Column order of each table written by COPY; checked against the models at start, so a
# new model field fails loudly here instead of writing wrong data.
DOMICILIO_COLUMNS = ("id", "via_id", "pseudovia_id", "tramo_id", "number", "qualifier",
                     "number_to", "qualifier_to", "km", "hm", "bloque", "portal", "escalera",
                     "planta", "puerta", "tipo_local", "referencia_catastral", "created_at")
HOJA_COLUMNS = ("id", "number", "domicilio_id", "created_at")
HABITANTE_COLUMNS = ("id", "nia", "nombre", "particula1", "apellido1", "particula2",
                     "apellido2", "sexo", "fecha_nacimiento", "fecha_nacimiento_precision",
                     "provincia_nacimiento",
                     "municipio_nacimiento", "pais_nacimiento", "nacionalidad", "nivel_estudios",
                     "tipo_documento", "documento", "identificador_electoral", "telefono",
                     "email", "is_registered", "hoja_id", "fecha_alta", "fecha_baja",
                     "requires_renewal", "renewal_due", "search_name", "version", "created_at",
                     "updated_at")
MOVIMIENTO_COLUMNS = ("id", "habitante_id", "tipo", "causa", "fecha", "procedencia_destino",
                      "consulado", "datos", "domicilio_id", "hoja_id", "documentos", "observaciones",
                      "clerk_id", "clerk_name", "ine_state", "created_at")
PERIODO_COLUMNS = ("id", "habitante_id", "hoja_id", "domicilio_id", "seccion_id", "desde",
                   "hasta", "alta_id", "fin_id")
COPY_TABLES = ((Domicilio, DOMICILIO_COLUMNS), (HojaPadronal, HOJA_COLUMNS),
               (Habitante, HABITANTE_COLUMNS), (Movimiento, MOVIMIENTO_COLUMNS),
               (PeriodoResidencia, PERIODO_COLUMNS))


def check_columns() -> None:
    for model, columns in COPY_TABLES:
        actual = {f.column for f in model._meta.concrete_fields}
        if actual != set(columns):
            raise RuntimeError(f"padron.demo writes {model.__name__} with columns {sorted(columns)} "
                               f"but the model has {sorted(actual)}: update padron/demo.py")


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n") \
        .replace("\r", "\\r")


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """COPY rows (tuples in `columns` order) into `table` of the current schema."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(_copy_text(v) for v in row))
        buffer.write("\n")
        count += 1
    if not count:
        return 0
    buffer.seek(0)
    column_list = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        # The cursor's search_path is the tenant's (django-tenants sets it per cursor).
        cursor.copy_expert(f'COPY "{table}" ({column_list}) FROM STDIN', buffer)
    return count


class IdPool:
    """Primary keys taken from the table's own sequence, as padron.actions._next_id does
    (NIA and hoja numbers are derived from them), a few thousand per round trip."""

    def __init__(self, model, block: int = 10_000) -> None:
        self.table = model._meta.db_table
        self.block = block
        self.ids: list[int] = []
        self.position = 0

    def next(self) -> int:
        if self.position >= len(self.ids):
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                               "FROM generate_series(1, %s)", [self.table, self.block])
                self.ids = [row[0] for row in cursor.fetchall()]
            self.position = 0
        value = self.ids[self.position]
        self.position += 1
        return value


# --- helpers -------------------------------------------------------------------------


def add_years(date: datetime.date, years: int) -> datetime.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


class Weighted:
    """Weighted choice with precomputed cumulative weights (random.choices recomputes them)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative: list[float] = []
        total = 0.0
        for weight in weights:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass(frozen=True)
class TramoInfo:
    id: int
    via_id: int
    seccion_id: int
    numbering: str
    number_from: int
    number_to: int

    def numbers(self) -> int:
        if self.numbering == TipoNumeracion.SIN_NUMERACION:
            return 1
        return max(1, (self.number_to - self.number_from) // 2 + 1)

    def number(self, rng: random.Random) -> int | None:
        if self.numbering == TipoNumeracion.SIN_NUMERACION:
            return None
        return self.number_from + 2 * rng.randrange(self.numbers())


@dataclass
class Address:
    domicilio_id: int
    hoja_id: int
    seccion_id: int


@dataclass
class Person:
    sexo: str
    birth: datetime.date
    nombre: str
    surname1: tuple[str, str]
    surname2: tuple[str, str]
    nacionalidad: str
    pais_nacimiento: str = codelists.SPAIN
    provincia: str = ""
    municipio: str = ""
    leaves: tuple[datetime.date, str, str] | None = None  # (fecha, causa, destino)


@dataclass
class Household:
    people: list[Person]
    nacionalidad: str
    arrival: datetime.date
    causa: str
    procedencia: str
    moved_on: datetime.date | None = None
    renews: bool = False  # non-EU without permanent residence (ENCSARP)
    former: bool = False  # everyone left: counts as no inhabitant today


@dataclass
class GenerationReport:
    inhabitants: int = 0
    former: int = 0
    households: int = 0
    domicilios: int = 0
    movimientos: int = 0
    periodos: int = 0
    foreign: int = 0
    renewals: int = 0
    errores_ine: int = 0
    vias_created: int = 0
    tramos_created: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"{self.inhabitants} habitantes inscritos ({self.foreign} extranjeros) y "
                f"{self.former} de baja en {self.households} hojas; {self.domicilios} domicilios, "
                f"{self.movimientos} movimientos, {self.periodos} periodos, {self.renewals} "
                f"renovaciones ENCSARP, {self.errores_ine} errores del INE pendientes; "
                f"callejero: {self.vias_created} vías y {self.tramos_created} tramos nuevos; "
                f"{self.seconds:.1f} s")


# --- the generator -------------------------------------------------------------------


class PadronGenerator:
    """Writes households one after another, flushing them by COPY every few thousand."""

    def __init__(self, entity, *, seed: int, today: datetime.date | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        self.entity = entity
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.log = log or (lambda line: None)
        self.report = GenerationReport()
        code = entity.ine_code or "03014"
        self.provincia, self.municipio = code[:2], code[2:5]
        self.now = timezone.now()
        self.foreign = Weighted(
            [(codelists_code(name), *rest) for name, _w, *rest in FOREIGN],
            [w for _name, w, *_rest in FOREIGN])
        self.male = Weighted(MALE, [1.0 / (i + 4) for i in range(len(MALE))])
        self.female = Weighted(FEMALE, [1.0 / (i + 4) for i in range(len(FEMALE))])
        self.male_recent = Weighted(MALE_RECENT, [1.0 / (i + 4) for i in range(len(MALE_RECENT))])
        self.female_recent = Weighted(FEMALE_RECENT,
                                      [1.0 / (i + 4) for i in range(len(FEMALE_RECENT))])
        self.surnames = Weighted(SURNAMES, [1.0 / (i + 6) for i in range(len(SURNAMES))])
        self.education = Weighted([c for c, _w in EDUCATION], [w for _c, w in EDUCATION])
        self.used_documents: set[tuple[str, str]] = set()
        self.used_domicilios: set[tuple] = set()
        self.buildings: dict[tuple[int, int | None], tuple[int, int]] = {}
        self.pending_rows: dict[str, list[tuple]] = {}
        self.inscrito_sample: list[int] = []

    # --- territory ---------------------------------------------------------------------

    def ensure_callejero(self, inhabitants: int) -> list[TramoInfo]:
        today = self.today
        existing = Tramo.objects.filter(Vigencia.valid_on(today), via__isnull=False)
        if not existing.exists():
            self.create_callejero(inhabitants)
        tramos = [TramoInfo(t.pk, t.via_id, t.seccion_id, t.numbering, t.number_from,
                            t.number_to)
                  for t in Tramo.objects.filter(Vigencia.valid_on(today), via__isnull=False)
                  .order_by("pk")]
        latest = Tramo.objects.filter(pk__in=[t.id for t in tramos]) \
            .aggregate(latest=Max("valid_from"))["latest"]
        self.start = max(PADRON_CONTINUO, latest or PADRON_CONTINUO)
        return tramos

    def create_callejero(self, inhabitants: int) -> None:
        rng = self.rng
        name = municipality_name(self.entity.name)
        valid = {"valid_from": PADRON_CONTINUO}
        colectiva, _ = EntidadColectiva.objects.get_or_create(
            code="00", defaults={"name": name, "short_name": name.upper()[:25], **valid})
        # get_or_create throughout: a callejero loaded in part (no tramos yet) is completed.
        main, _ = EntidadSingular.objects.get_or_create(
            colectiva=colectiva, code="01",
            defaults={"name": name, "short_name": normalize(name).upper()[:25], **valid})
        nucleo, _ = Nucleo.objects.get_or_create(
            singular=main, code="01",
            defaults={"name": name, "short_name": normalize(name).upper()[:25], **valid})
        diseminado, _ = Nucleo.objects.get_or_create(
            singular=main, code="99", defaults={"name": f"Diseminado de {name}"[:70],
                                                "short_name": "DISEMINADO", **valid})
        nucleos = [(nucleo, 0.9), (diseminado, 0.03)]
        if inhabitants >= 5_000:
            pedania = rng.choice(PEDANIAS)
            singular, _ = EntidadSingular.objects.get_or_create(
                colectiva=colectiva, code="02",
                defaults={"name": pedania, "short_name": normalize(pedania).upper()[:25],
                          **valid})
            pedania_nucleo, _ = Nucleo.objects.get_or_create(
                singular=singular, code="01",
                defaults={"name": singular.name, "short_name": singular.short_name, **valid})
            nucleos.append((pedania_nucleo, 0.07))
        n_distritos = 1 if inhabitants < 10_000 else 2 if inhabitants < 50_000 \
            else 3 if inhabitants < 150_000 else 4
        n_secciones = max(2, round(inhabitants / PEOPLE_PER_SECCION))
        secciones = []
        for d in range(n_distritos):
            distrito, _ = Distrito.objects.get_or_create(code=f"{d + 1:02d}", defaults=valid)
            share = n_secciones // n_distritos + (1 if d < n_secciones % n_distritos else 0)
            for s in range(max(1, share)):
                secciones.append(Seccion.objects.get_or_create(
                    distrito=distrito, code=f"{s + 1:03d}", letter="", subseccion="",
                    defaults=valid)[0])
        tipos = {}
        for code, _weight in (*STREET_TYPES, ("PTDA", 0), ("CTRA", 0)):
            tipos[code], _created = TipoVia.objects.get_or_create(
                code=code, defaults={"description": (codelists.street_type_description(code)
                                                     or code).capitalize()[:25]})
        type_choice = Weighted([c for c, _w in STREET_TYPES], [w for _c, w in STREET_TYPES])
        n_vias = min(400, max(40, inhabitants // 800))
        names = street_names(rng, n_vias)
        postal = [f"{self.provincia}{rng.randint(100, 899):03d}" for _ in range(n_distritos)]
        if self.entity.postal_code:
            # The town's own postal code (the random draws above still happen, so the rest
            # of the generated census stays the same for a seed).
            postal = [self.entity.postal_code] * n_distritos
        via_rows, name_rows, plans = [], [], []
        taken = [int(c) for c in Via.objects.values_list("code", flat=True) if c.isdigit()]
        next_code = (max(taken, default=0) // 10 + 1) * 10
        nucleo_choice = Weighted([n for n, _w in nucleos], [w for _n, w in nucleos])
        for street in names:
            nucleo_obj = nucleo_choice.pick(rng)
            tipo = "PTDA" if nucleo_obj.code == "99" else type_choice.pick(rng)
            via = Via(code=f"{next_code:05d}", **valid)
            next_code += 10
            via_rows.append(via)
            name_rows.append((tipo, street))
            plans.append((nucleo_obj, tipo))
        Via.objects.bulk_create(via_rows)
        ViaNombre.objects.bulk_create([
            ViaNombre(via=via, tipo=tipos[tipo], name=street, short_name=short_name(street),
                      **valid)
            for via, (tipo, street) in zip(via_rows, name_rows, strict=True)])
        # One renamed street, so that old certificates show the name of their date.
        renamed_on = datetime.date(2005, 3, 1)
        renamed = via_rows[min(3, len(via_rows) - 1)]
        ViaNombre.objects.filter(via=renamed).update(valid_from=renamed_on)
        ViaNombre.objects.create(via=renamed, tipo=tipos["CTRA"], name="Vieja de Alicante",
                                 short_name="VIEJA ALICANTE", valid_from=PADRON_CONTINUO,
                                 valid_to=renamed_on)
        tramo_rows = []
        for via, (nucleo_obj, tipo) in zip(via_rows, plans, strict=True):
            longest = 15 if tipo in ("PLAZA", "GTA") else rng.choice((25, 41, 61, 81, 121, 161,
                                                                      199))
            for numbering, first in ((TipoNumeracion.IMPAR, 1), (TipoNumeracion.PAR, 2)):
                last = longest - (longest % 2 == 0) if numbering == TipoNumeracion.IMPAR \
                    else longest + (longest % 2)
                pieces = 1 if longest < 40 else rng.randint(1, 3)
                edges = sorted(rng.sample(range(first, last, 2), pieces - 1)) if pieces > 1 else []
                bounds = [first, *[e + 2 for e in edges]]
                ends = [*edges, last]
                for low, high in zip(bounds, ends, strict=True):
                    tramo_rows.append([via, nucleo_obj, numbering, low, high])
        n_tramos = len(tramo_rows)
        for position, row in enumerate(tramo_rows):
            seccion = secciones[position * len(secciones) // n_tramos]
            via, nucleo_obj, numbering, low, high = row
            row[:] = [Tramo(seccion=seccion, nucleo=nucleo_obj, via=via, numbering=numbering,
                            number_from=low, number_to=high,
                            postal_code=postal[int(seccion.distrito.code) - 1], **valid)]
        tramos = [row[0] for row in tramo_rows]
        for tramo in tramos[:50]:
            tramo.full_clean(validate_unique=False, validate_constraints=False)
        Tramo.objects.bulk_create(tramos, batch_size=2_000)
        self.report.vias_created = len(via_rows)
        self.report.tramos_created = len(tramos)
        self.log(f"Callejero creado: {n_distritos} distritos, {len(secciones)} secciones, "
                 f"{len(via_rows)} vías, {len(tramos)} tramos.")

    # --- people --------------------------------------------------------------------------

    def birth_for_age(self, age: int) -> datetime.date:
        return self.today - days(int(age * 365.25) + self.rng.randrange(365))

    def spanish_name(self, sexo: str, birth: datetime.date) -> str:
        if birth.year >= 1998:
            names = self.male_recent if sexo == Sexo.HOMBRE else self.female_recent
        else:
            names = self.male if sexo == Sexo.HOMBRE else self.female
        return names.pick(self.rng)

    def person(self, *, age: int, sexo: str, nacionalidad: str, surname1=None, surname2=None,
               foreign: tuple | None = None) -> Person:
        rng = self.rng
        birth = self.birth_for_age(age)
        if foreign is not None:
            _code, males, females, surnames, two = foreign
            nombre = rng.choice(males if sexo == Sexo.HOMBRE else females)
            surname1 = surname1 or ("", rng.choice(surnames))
            surname2 = surname2 if surname2 is not None else (("", rng.choice(surnames)) if two
                                                              else ("", ""))
        else:
            nombre = self.spanish_name(sexo, birth)
            surname1 = surname1 or self.surnames.pick(rng)
            surname2 = surname2 or self.surnames.pick(rng)
        return Person(sexo=sexo, birth=birth, nombre=nombre, surname1=surname1,
                      surname2=surname2, nacionalidad=nacionalidad)

    def household(self) -> Household:
        rng = self.rng
        foreign = self.foreign.pick(rng) if rng.random() < 0.115 else None
        nacionalidad = foreign[0] if foreign else codelists.SPAIN
        kind = rng.random()
        people: list[Person] = []

        def adult(age, sexo, **names):
            return self.person(age=age, sexo=sexo, nacionalidad=nacionalidad, foreign=foreign,
                               **names)

        def children(father, mother, parent_age, count):
            for _ in range(count):
                # The parent's age when the child was born; not yet born: no child.
                age = parent_age - rng.randint(23, 42)
                if age < 0:
                    continue
                surname2 = mother.surname1 if mother else None
                people.append(self.person(
                    age=age, sexo=rng.choice((Sexo.HOMBRE, Sexo.MUJER)), nacionalidad=nacionalidad,
                    foreign=foreign, surname1=(father or mother).surname1,
                    surname2=surname2 if not foreign or foreign[4] else ("", "")))

        if kind < 0.26:  # one person
            age = rng.choice((rng.randint(20, 40), rng.randint(40, 65), rng.randint(65, 97)))
            people.append(adult(age, rng.choice((Sexo.HOMBRE, Sexo.MUJER))))
        elif kind < 0.48:  # a couple
            age = rng.choice((rng.randint(24, 40), rng.randint(50, 90), rng.randint(60, 92)))
            people += [adult(age, Sexo.HOMBRE), adult(max(18, age + rng.randint(-5, 3)),
                                                      Sexo.MUJER)]
        elif kind < 0.82:  # a couple with children
            age = rng.randint(28, 64)
            father, mother = adult(age, Sexo.HOMBRE), adult(max(20, age + rng.randint(-6, 3)),
                                                            Sexo.MUJER)
            people += [father, mother]
            children(father, mother, age, rng.choice((1, 1, 2, 2, 2, 3, 4)))
        elif kind < 0.93:  # one parent
            age = rng.randint(25, 60)
            parent = adult(age, rng.choice((Sexo.MUJER, Sexo.MUJER, Sexo.HOMBRE)))
            people.append(parent)
            father = parent if parent.sexo == Sexo.HOMBRE else None
            mother = parent if parent.sexo == Sexo.MUJER else None
            children(father, mother, age, rng.choice((1, 1, 2, 3)))
        else:  # three generations
            age = rng.randint(30, 50)
            father, mother = adult(age, Sexo.HOMBRE), adult(age + rng.randint(-4, 2), Sexo.MUJER)
            grandparent_age = min(100, age + rng.randint(22, 35))
            grandmother = adult(grandparent_age, Sexo.MUJER, surname1=mother.surname2
                                if not foreign else None)
            people += [father, mother, grandmother]
            children(father, mother, age, rng.choice((1, 2, 3)))
        people = people[:6]

        if foreign:
            causa = Causa.ALTA_EXTRANJERO if rng.random() < 0.8 else Causa.ALTA_CAMBIO_RESIDENCIA
        else:
            causa = Causa.ALTA_CAMBIO_RESIDENCIA
        procedencia = foreign[0] if causa == Causa.ALTA_EXTRANJERO else rng.choice(MUNICIPIOS)
        adults = [p for p in people if add_years(p.birth, 18) <= self.today]
        earliest = max([self.start] + [add_years(p.birth, 18) for p in adults[:1]])
        latest = self.today - days(7)
        if earliest >= latest:
            arrival = self.today - days(1)
        elif not foreign and rng.random() < 0.35:
            arrival = earliest  # there since the padrón became continuous (or they came of age)
        else:
            span = (latest - earliest).days
            # Recent years weigh more: people come and go.
            arrival = earliest + days(int(span * rng.random() ** 0.7))
        for p in people:
            born_here = p.birth > arrival or (not foreign and rng.random() < 0.5)
            if born_here:
                p.provincia, p.municipio, p.pais_nacimiento = self.provincia, self.municipio, \
                    codelists.SPAIN
            elif foreign:
                p.pais_nacimiento = foreign[0]
            else:
                place = rng.choice(MUNICIPIOS)
                p.provincia, p.municipio = place[:2], place[2:]
        household = Household(people=people, nacionalidad=nacionalidad, arrival=arrival,
                              causa=causa, procedencia=procedencia)
        if foreign and not codelists.is_eu_eea(nacionalidad) and rng.random() < 0.5:
            household.renews = True
        if (self.today - arrival).days > 90 and rng.random() < 0.08:
            household.moved_on = arrival + days(rng.randint(30, (self.today - arrival).days - 1))
        self.plan_departures(household, foreign)
        return household

    def plan_departures(self, household: Household, foreign: tuple | None) -> None:
        """Who of the household is no longer inscribed today, when and why."""
        rng = self.rng
        last_event = max(household.arrival, household.moved_on or household.arrival)
        window = (self.today - last_event).days
        if window < 30:
            return
        if rng.random() < 0.025:  # the whole household left
            household.former = True
            when = last_event + days(rng.randint(1, window - 1))
            household.people = [p for p in household.people if p.birth < when] \
                or household.people[:1]
            causa = Causa.BAJA_EXTRANJERO if foreign and rng.random() < 0.6 \
                else Causa.BAJA_CAMBIO_RESIDENCIA
            destino = foreign[0] if causa == Causa.BAJA_EXTRANJERO else rng.choice(MUNICIPIOS)
            for p in household.people:
                p.leaves = (max(when, p.birth), causa, destino)
            return
        for p in household.people:
            age = (self.today - p.birth).days // 365
            if age >= 70 and rng.random() < 0.12:
                p.leaves = (max(p.birth, last_event) + days(rng.randint(
                    1, max(1, (self.today - max(p.birth, last_event)).days - 1))),
                    Causa.BAJA_DEFUNCION, "")
            elif 20 <= age <= 35 and rng.random() < 0.08:
                start = max(last_event, add_years(p.birth, 18))
                if (self.today - start).days > 2:
                    causa = Causa.BAJA_EXTRANJERO if foreign else Causa.BAJA_CAMBIO_RESIDENCIA
                    p.leaves = (start + days(rng.randint(1, (self.today - start).days - 1)),
                                causa, foreign[0] if foreign else rng.choice(MUNICIPIOS))

    def document(self, person: Person, arrival: datetime.date) -> tuple[str, str]:
        rng = self.rng
        age = (self.today - person.birth).days // 365
        if person.nacionalidad == codelists.SPAIN:
            if age < 14 and rng.random() < 0.5:
                return TipoDocumento.SIN_DOCUMENTO, ""
            while True:
                base = f"{rng.randint(1_000_000, 79_999_999):08d}"
                number = base + stdnum_dni.calc_check_digit(base)
                if ("1", number) not in self.used_documents:
                    self.used_documents.add(("1", number))
                    return TipoDocumento.DNI, number
        if age < 6 and rng.random() < 0.4:
            return TipoDocumento.SIN_DOCUMENTO, ""
        if rng.random() < 0.12:
            while True:
                number = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + \
                    f"{rng.randint(0, 9_999_999):07d}"
                if ("2", number) not in self.used_documents:
                    self.used_documents.add(("2", number))
                    return TipoDocumento.PASAPORTE, number
        # X until July 2008, Y afterwards (Orden INT/2058/2008).
        prefix = "X" if arrival < datetime.date(2008, 7, 16) else "Y"
        while True:
            base = f"{prefix}{rng.randint(0, 9_999_999):07d}"
            number = base + stdnum_nie.calc_check_digit(base)
            if ("3", number) not in self.used_documents:
                self.used_documents.add(("3", number))
                return TipoDocumento.TARJETA_EXTRANJERO, number

    # --- addresses -----------------------------------------------------------------------

    def address(self, ids: dict[str, IdPool]) -> Address:
        """A new dwelling inside a tramo, and a new hoja for it."""
        rng = self.rng
        for _attempt in range(200):
            tramo = self.tramo_choice.pick(rng)
            number = tramo.number(rng)
            building = self.buildings.get((tramo.via_id, number))
            if building is None:
                building = (0, 0) if rng.random() < 0.35 else (rng.randint(2, 9),
                                                               rng.randint(2, 4))
                self.buildings[(tramo.via_id, number)] = building
            floors, doors = building
            planta = str(rng.randint(1, floors)) if floors else ""
            puerta = "ABCD"[rng.randrange(doors)] if doors else ""
            key = (tramo.via_id, number, planta, puerta)
            if key in self.used_domicilios:
                if floors and _attempt > 20:  # a crowded callejero: taller buildings
                    self.buildings[(tramo.via_id, number)] = (min(floors + 1, 40), doors)
                continue
            self.used_domicilios.add(key)
            domicilio_id, hoja_id = ids["domicilio"].next(), ids["hoja"].next()
            self.rows("domicilio").append((
                domicilio_id, tramo.via_id, None, tramo.id, number, "", None, "", None, None, "",
                "", "", planta, puerta, "", "", self.now))
            self.rows("hoja").append((hoja_id, f"{hoja_id:010d}", domicilio_id, self.now))
            self.report.domicilios += 1
            return Address(domicilio_id, hoja_id, tramo.seccion_id)
        raise RuntimeError("the callejero has no free dwellings left: add vías or tramos")

    def rows(self, table: str) -> list[tuple]:
        return self.pending_rows.setdefault(table, [])

    # --- writing one household -----------------------------------------------------------

    def write_household(self, household: Household, ids: dict[str, IdPool]) -> int:
        """Rows of one household; returns how many of its people are inscribed today."""
        rng = self.rng
        current = self.address(ids)
        old = self.address(ids) if household.moved_on else None
        inscribed = 0
        for person in household.people:
            arrive = max(household.arrival, person.birth)
            born_here = person.birth > household.arrival
            causa = Causa.ALTA_NACIMIENTO if born_here else household.causa
            if born_here:
                arrive = person.birth
            tipo_documento, documento = self.document(person, arrive)
            habitante_id = ids["habitante"].next()
            # Some people born abroad carry documents without the day of birth (INE: 00).
            precision, birth = "", person.birth
            if person.pais_nacimiento != codelists.SPAIN and habitante_id % 20 == 0:
                precision, birth = PrecisionFecha.SIN_DIA, person.birth.replace(day=1)
            data = {
                "nombre": person.nombre[:20], "particula1": person.surname1[0],
                "apellido1": person.surname1[1][:25], "particula2": person.surname2[0],
                "apellido2": person.surname2[1][:25], "sexo": person.sexo,
                "fecha_nacimiento": birth.isoformat(), "fecha_nacimiento_precision": precision,
                "provincia_nacimiento": person.provincia, "municipio_nacimiento": person.municipio,
                "pais_nacimiento": person.pais_nacimiento, "nacionalidad": person.nacionalidad,
                "nivel_estudios": NivelEstudios.NO_APLICABLE
                if (self.today - person.birth).days < 16 * 365 else self.education.pick(rng),
                "tipo_documento": tipo_documento, "documento": documento,
                "identificador_electoral": "",
                "telefono": f"6{rng.randint(0, 99_999_999):08d}" if rng.random() < 0.4 else "",
                "email": "", "nia": f"{habitante_id:015d}",
            }
            # Events in date order: alta, cambio de domicilio, renewals, baja.
            events: list[tuple[datetime.date, str, str]] = [(arrive, causa, "" if born_here
                                                             else household.procedencia)]
            stays = [(old or current, arrive)] if old and arrive < household.moved_on \
                else [(current, arrive)]
            if old and arrive < household.moved_on:
                events.append((household.moved_on, Causa.CAMBIO_DOMICILIO, ""))
                stays.append((current, household.moved_on))
            # Departures were planned after the household's last move: after these events.
            leaves = person.leaves
            renewal_due = None
            requires_renewal = household.renews and person.nacionalidad != codelists.SPAIN
            if requires_renewal:
                due = add_years(arrive, RENEWAL_YEARS)
                end = leaves[0] if leaves else self.today
                while due <= end:
                    if rng.random() < 0.03 and due < self.today:
                        break  # not renewed: the inscription has expired (caducada)
                    renewed = due - days(rng.randint(0, 60))
                    renewed = max(renewed, max(e[0] for e in events))
                    events.append((renewed, Causa.RENOVACION, ""))
                    self.report.renewals += 1
                    due = add_years(renewed, RENEWAL_YEARS)
                renewal_due = due
            if leaves:
                events.append(leaves)
            events.sort(key=lambda e: e[0])
            is_registered = leaves is None
            fecha_alta = arrive
            search_name = normalize(" ".join(p for p in (
                data["nombre"], data["particula1"], data["apellido1"], data["particula2"],
                data["apellido2"]) if p))
            final_hoja = current.hoja_id
            self.rows("habitante").append((
                habitante_id, data["nia"], data["nombre"], data["particula1"], data["apellido1"],
                data["particula2"], data["apellido2"], data["sexo"], birth, precision,
                data["provincia_nacimiento"], data["municipio_nacimiento"],
                data["pais_nacimiento"], data["nacionalidad"], data["nivel_estudios"],
                tipo_documento, documento, "", data["telefono"], "", is_registered, final_hoja,
                fecha_alta, leaves[0] if leaves else None, requires_renewal, renewal_due,
                search_name, 1, self.now, self.now))
            self.write_history(habitante_id, data, events, stays, ids)
            if is_registered:
                inscribed += 1
                if person.nacionalidad != codelists.SPAIN:
                    self.report.foreign += 1
                if len(self.inscrito_sample) < 500:
                    self.inscrito_sample.append(habitante_id)
                elif rng.random() < 0.01:
                    self.inscrito_sample[rng.randrange(500)] = habitante_id
            else:
                self.report.former += 1
        self.report.households += 1
        return inscribed

    def write_history(self, habitante_id: int, data: dict, events: list, stays: list,
                      ids: dict[str, IdPool]) -> None:
        first_of_last_month = (self.today.replace(day=1) - days(1)).replace(day=1)
        stay_index = 0
        address, _since = stays[0]
        open_period: list[Any] | None = None
        for order, (fecha, causa, lugar) in enumerate(events):
            if causa == Causa.CAMBIO_DOMICILIO:
                stay_index += 1
                address = stays[stay_index][0]
            movimiento_id = ids["movimiento"].next()
            created = timezone.make_aware(datetime.datetime.combine(
                fecha, datetime.time(9, 0))) + datetime.timedelta(minutes=order)
            self.rows("movimiento").append((
                movimiento_id, habitante_id, Causa.tipo(causa), causa, fecha, lugar, "", data,
                address.domicilio_id, address.hoja_id, _documentos(causa), "", None,
                CLERK_NAME, INE_STATE_PENDING if fecha >= first_of_last_month else INE_STATE_SENT,
                created))
            self.report.movimientos += 1
            closes = causa == Causa.CAMBIO_DOMICILIO or Causa.tipo(causa) == "B"
            if closes and open_period is not None:
                open_period[6], open_period[8] = fecha, movimiento_id
                self.rows("periodo").append(tuple(open_period))
                self.report.periodos += 1
                open_period = None
            if Causa.tipo(causa) == "A" or causa == Causa.CAMBIO_DOMICILIO:
                open_period = [ids["periodo"].next(), habitante_id, address.hoja_id,
                               address.domicilio_id, address.seccion_id, fecha, None,
                               movimiento_id, None]
        if open_period is not None:
            self.rows("periodo").append(tuple(open_period))
            self.report.periodos += 1

    # --- batches -------------------------------------------------------------------------

    def flush(self) -> None:
        with transaction.atomic():
            for key, (model, columns) in zip(("domicilio", "hoja", "habitante", "movimiento",
                                              "periodo"), COPY_TABLES, strict=True):
                copy_rows(model._meta.db_table, columns, self.pending_rows.pop(key, []))

    def run(self, inhabitants: int, *, batch_households: int = BATCH_HOUSEHOLDS) -> GenerationReport:
        started = time.perf_counter()
        check_columns()
        tramos = self.ensure_callejero(inhabitants)
        if not tramos:
            raise RuntimeError("the callejero has no tramo on a vía valid today")
        self.tramo_choice = Weighted(tramos, [t.numbers() for t in tramos])
        self.used_documents = {(t, d) for t, d in Habitante.objects.filter(is_registered=True)
                               .exclude(documento="").values_list("tipo_documento", "documento")}
        self.used_domicilios = {
            (v, n, p, d) for v, n, p, d in Domicilio.objects.filter(
                via__isnull=False, km__isnull=True, qualifier="", bloque="", portal="",
                escalera="").values_list("via_id", "number", "planta", "puerta")}
        block = max(64, min(10_000, 2 * inhabitants))
        ids = {"domicilio": IdPool(Domicilio, block), "hoja": IdPool(HojaPadronal, block),
               "habitante": IdPool(Habitante, block), "movimiento": IdPool(Movimiento, block),
               "periodo": IdPool(PeriodoResidencia, block)}
        remaining = inhabitants
        in_batch = 0
        while remaining > 0:
            household = self.household()
            if not household.former:
                staying = [p for p in household.people if p.leaves is None]
                if len(staying) > remaining:  # the last household is cut to the exact total
                    cut = {id(p) for p in staying[remaining:]}
                    household.people = [p for p in household.people if id(p) not in cut]
                remaining -= min(len(staying), remaining)
            self.report.inhabitants += self.write_household(household, ids)
            in_batch += 1
            if in_batch >= batch_households:
                self.flush()
                in_batch = 0
                self.log(f"{self.report.inhabitants} habitantes escritos…")
        self.flush()
        self.report.errores_ine = self.add_ine_errors(max(3, inhabitants // 1_500))
        self.report.seconds = time.perf_counter() - started
        return self.report

    def add_ine_errors(self, count: int) -> int:
        chosen = self.rng.sample(self.inscrito_sample, min(count, len(self.inscrito_sample)))
        ErrorINE.objects.bulk_create([
            ErrorINE(habitante_id=pk, code=code, description=description,
                     received_at=self.now - datetime.timedelta(days=self.rng.randint(1, 40)))
            for pk, (code, description) in zip(
                chosen, (self.rng.choice(INE_ERRORS) for _ in chosen), strict=False)])
        return len(chosen)


def _documentos(causa: str) -> str:
    return {
        Causa.ALTA_NACIMIENTO: "Certificado de nacimiento",
        Causa.ALTA_CAMBIO_RESIDENCIA: "DNI; contrato de alquiler",
        Causa.ALTA_EXTRANJERO: "NIE o pasaporte; contrato de alquiler",
        Causa.CAMBIO_DOMICILIO: "Escritura de compraventa",
        Causa.RENOVACION: "Comparecencia personal",
        Causa.BAJA_DEFUNCION: "Comunicación del INE (Registro Civil)",
    }.get(causa, "")


def codelists_code(name: str) -> str:
    for code, label in codelists.country_choices():
        if label == name:
            return code
    raise RuntimeError(f"country {name!r} is not in padron/data/paises.csv")


def municipality_name(entity_name: str) -> str:
    for prefix in ("Ajuntament d'", "Ajuntament de ", "Ayuntamiento de prueba ",
                   "Ayuntamiento de ", "Ayuntamiento del ", "Ajuntament del "):
        if entity_name.startswith(prefix):
            return entity_name[len(prefix):][:70]
    return entity_name[:70]


def short_name(street: str) -> str:
    words = normalize(street).upper().split()
    while words and words[0] in ("DE", "DEL", "LA", "LAS", "LOS", "EL"):
        words.pop(0)
    return " ".join(words)[:25] or normalize(street).upper()[:25]


def street_names(rng: random.Random, count: int) -> list[str]:
    names = list(STREETS)
    rng.shuffle(names)
    combos = [f"{prefix} {surname}" for prefix in STREET_PREFIXES for _p, surname in SURNAMES]
    rng.shuffle(combos)
    return (names + combos)[:count]


def generate(entity, *, inhabitants: int = 3_000, seed: int = 2026,
             today: datetime.date | None = None, log: Callable[[str], None] | None = None,
             batch_households: int = BATCH_HOUSEHOLDS) -> GenerationReport:
    """Add `inhabitants` people (inscribed today) to the entity's padrón, creating a
    callejero first if it has none. Runs inside the entity's schema."""
    from provincial import audit

    with schema_context(entity.schema_name):
        generator = PadronGenerator(entity, seed=seed, today=today, log=log)
        report = generator.run(inhabitants, batch_households=batch_households)
    audit.record("padron.demo.generado", entity=entity,
                 detail={"inhabitants": report.inhabitants, "former": report.former,
                         "seed": seed})
    return report




def load_demo(entities: dict, say: Callable[[str], None]) -> None:
    """Demo loader (tenants.demo_loaders): a generated census for each demo entity with the
    padrón service whose padrón is still empty."""
    import zlib

    from django.conf import settings

    from padron.models import Habitante
    from tenants.demo_loaders import with_service

    for entity in with_service(entities.values(), "padron"):
        with schema_context(entity.schema_name):
            if Habitante.objects.exists():
                continue
        report = generate(entity, inhabitants=settings.DEMO_PADRON_INHABITANTS,
                          seed=zlib.crc32(entity.slug.encode()) % 10_000)
        say(f"  {entity.name}: padrón de {report.inhabitants} habitantes\n")
