"""The words the term picker knows by kind (``kb.cards.salience``, ``kb.cards.keypoints``): stop words, verbs,
units, ordinary nouns, and the small tests built on them. Plain data: no kb imports.
"""

from __future__ import annotations

import re

WORD_RE = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")  # a word: letters and digits, inner ' ’ -

DETERMINERS_AND_PREPOSITIONS = frozenset(
    "a an the this that these those its their his her our your of in on at by for with from into onto over under "
    "about between through via".split()
)
STOP_WORDS = frozenset(
    """a an the and or but if then else of to in on at by for with from as into onto over under about after before
    between through during without within is are was were be been being am do does did doing have has had having
    it its it's this that these those there here which who whom whose what when where why how not no nor so than too
    very can could should would may might must will shall you your yours we our ours they their theirs he him his she
    her hers i me my mine them us one ones also just only more most less least much many some any each every all both
    few other such same own up down out off again further once s t don't doesn't isn't aren't like get gets got
    make makes made use uses used using via per vs etc et al e.g i.e that's what's there's here's he's she's let's
    who's next previous usual typical whole entire now another mid-year midyear overnight today tomorrow yesterday earlier you'll we'll they'll i'll it'll you're we're they're you've we've they've you'd we'd they'd won't can't
    behind across along around among amongst toward towards beyond against upon despite beneath amid throughout
    because although though unless whereas whether whenever wherever whatever whichever didn't wasn't weren't haven't hasn't wouldn't shouldn't couldn't
    himself herself themselves itself myself yourself ourselves yourselves bc cuz tho thru together alone apart""".split()
)
UNITS = frozenset(
    "years year months month weeks week days day hours hour minutes minute seconds second feet foot miles mile "
    "meters metres kilometers km pounds kg degrees bytes bits characters times points cents dollars decades "
    "centuries century decade kb mb gb tb pb kib mib gib ms ns hz khz mhz ghz kwh mph".split()
)
# "Matthew effect", "Brier score": a name and the kind of thing it names make one term
EPONYM_HEADS = frozenset(
    "effect score number law rule principle paradox test problem theorem distribution index curve fallacy bias "
    "method algorithm equation constant ratio model theory study experiment period hypothesis conjecture dilemma".split()
)
# Verbs and adverbs that often stand in a sentence's run of content words: never at a term's edge, and they cut runs.
VERBS = frozenset(
    """arose chose drew drove fell made met sent stood struck taught broke caught fought forgot hid hung sang sank
    shook slept slid spoke spun stole swore swam threw understood woke wore
    add adds added let lets keep keeps kept take takes took taken give gives gave given go goes went gone come
    comes came say says said show shows showed shown find finds found think thinks thought know knows knew known
    tell tells told become becomes became leave leaves left feel feels felt put puts bring brings brought begin
    begins began run runs ran hold holds held write writes wrote written work works worked start starts started
    stop stops stopped help helps helped need needs needed mean means meant call calls called move moves moved
    turn turns turned try tries tried ask asks asked seem seems seemed want wants wanted look looks looked grow grows
    grew set sets pay pays paid lose loses lost win wins won build builds built read reads buy buys bought sell
    sells sold follow follows followed allow allows allowed lead leads led depend depends stay stays stayed
    include includes included change changes changed happen happens happened apply applies applied create creates
    created produce produces produced rather often always never usually still even already later just really
    quite almost mostly instead however therefore learns learn learned fits fit predicts predict computes compute
    returns return stores store records record marks mark prints print saves save counts count matters matter
    several along first toward towards across against around among since until while whose reduces improves
    requires prevents provides describes determines ensures enables avoids contains removes replaces introduces
    explains extends suggests argues recommends prefers receives causes generates indicates calculates separates
    translates operates activates allocates eliminates evaluates integrates demonstrates motivates depending
    according including regarding concerning considering close closer near exists exist existed remains remain
    lives sits""".split()
)
OPINION_LEADS = frozenset(
    "worth useful good great fun interesting honestly loved liked recommended recommend overall personally "
    "favourite favorite boring overrated underrated nice skip skim enjoyed feels felt best disagree agree "
    "unconvinced skeptical sceptical".split()
)
# a reaction wherever it stands in the bullet ("the last part felt rushed")
OPINION_WORDS = frozenset(
    "fun felt dated rushed repetitive padded preachy overrated underrated fascinating boring enjoyed loved overused "
    "overhyped underwhelming tedious".split()
)
# after a word in -s, one of these makes that word a verb with its object ("a mistake [costs] you")
OBJECT_STARTS = frozenset(
    "a an the you it them us me him her this that these those several many multiple both each every".split()
)
VERB_ENDINGS = ("izes", "ises", "ifies", "izing")
CLAUSE_WORDS = frozenset("is are was were be been has have had do does did can will should must".split())
FIRST_PERSON = frozenset("i i'm i've i'd i'll me my mine myself".split())
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
# a month written out or short, with its dot: "January", "Jan.", "Sept"
MONTH_PATTERN = rf"(?:{MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
LABEL_DETS = frozenset("the a an this that its their his her our your these those".split())
# before a run: "the most [important hyperparameter]" cuts an adjective from its adverb
INTENSIFIERS = frozenset("most more less least very too so quite as".split())
SUBJECT_PRONOUNS = frozenset("he she it they we you i who which".split())  # the word after one is a verb
PREPOSITIONS = DETERMINERS_AND_PREPOSITIONS - LABEL_DETS | {"without", "after", "before", "while", "when"}
# words too ordinary to be the answer of a card on their own ("the [money] was used ...")
GENERIC_NOUNS = frozenset(
    """money time times people person thing things way ways part parts kind kinds type types lot lots number
    numbers amount amounts point points case cases fact facts idea ideas example examples phrase word words
    place places day days year years world life group groups problem problems result results reason reasons
    question questions answer answers value values level levels area areas form forms side sides end start
    change changes work system systems process information data list lists set sets step steps rest second third
    fourth fifth half best worst""".split()
)

# "**X** describes ...": a verb saying what X is, asked as "what is X?"
DEFINING_VERBS = frozenset(
    "describes describe denotes denote covers cover names name represents represent".split()
)

ADVERBS = frozenset(
    "also only often usually always never still even rarely typically mostly generally simply actually directly "
    "just first then".split()
)

# verbs' base forms that follow a plural subject ("**Patch IDs** let ...", "**Trees** pick ...")
BASE_VERBS = frozenset(
    "let make help pick split grow keep take give turn cut reduce add avoid need allow store hold run show tend act "
    "work fail use map track learn predict combine compute return produce create go come say find think know tell "
    "become leave feel bring begin write start stop move try ask seem want look build buy sell follow lead depend "
    "stay include change happen apply fit record mark print save count matter improve require prevent provide "
    "remove replace increase decrease explain extend ensure enable contain cause drive copy live mean cost sit rise "
    "fall differ share mix pay".split()
)

IRREGULAR_PLURALS = ("men", "people", "children", "data", "criteria", "phenomena", "feet", "teeth", "mice")


# words in -s that modify a noun as readily as they end a phrase ("savings account", "capital gains tax")
S_MODIFIERS = frozenset(
    "savings sales earnings gains news series species means goods physics economics".split()
)


def plural_word(word: str) -> bool:
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is", "ics", "'s", "’s"))
        and word.lower() not in S_MODIFIERS
    )


def noun_goes_on(word: str) -> bool:
    """Whether a word after a term continues its noun phrase (not a verb, participle or adverb)."""
    return not verb_like(word) and not word.endswith(("ed", "ly", "ing"))


def verb_like(word: str) -> bool:
    return word in VERBS or word.endswith(VERB_ENDINGS)


_COMMON_WORDS: frozenset[str] | None = None


def everyday_word(word: str) -> bool:
    """Whether ``word`` (any case) is an English word anyone knows, past the most frequent ones: ranked 8,000 to
    20,000 by wordfreq (``data/everyday_words.txt``): "paradox", "metaphor", "residency", not "triage" or a coinage
    ("hormesis"). With ``common_english``, a one-word label made of one names a topic, not a term. Read on first
    use."""
    global _EVERYDAY_WORDS
    if _EVERYDAY_WORDS is None:
        import os

        path = os.path.join(os.path.dirname(__file__), "data", "everyday_words.txt")
        with open(path, encoding="utf-8") as f:
            _EVERYDAY_WORDS = frozenset(ln.strip() for ln in f if ln.strip() and not ln.startswith("#"))
    return word.lower() in _EVERYDAY_WORDS


_EVERYDAY_WORDS: frozenset[str] | None = None


def common_english(word: str) -> bool:
    """Whether ``word`` (any case) is among the most frequent English words (``data/common_words.txt``, made from
    wordfreq by ``benchmarks/make_common_words.py``): too ordinary to be a card's answer on its own. Read on first
    use."""
    global _COMMON_WORDS
    if _COMMON_WORDS is None:
        import os

        path = os.path.join(os.path.dirname(__file__), "data", "common_words.txt")
        with open(path, encoding="utf-8") as f:
            _COMMON_WORDS = frozenset(ln.strip() for ln in f if ln.strip() and not ln.startswith("#"))
    return word.lower() in _COMMON_WORDS


# a small count written out, and its value: "three" -> 3 (the count of a listed set, a number a prompt gives away)
# adjectives that describe rather than name: a run of ordinary words led by one ("a [modern replacement]", "[long
# focused stretches]") is the writer's description, where a compound of nouns ("sleep pressure", "decision
# boundary") or a participle ("hidden state", "working tree") is a term
DESCRIPTIVE_ADJECTIVES = frozenset(
    """default crucial key core central primary critical essential modern long short low high big small large new
    old different current reliable human right same other whole good bad great little real main simple hard easy early late full huge tiny strong weak clear certain common
    general important major minor quick slow true false entire open free final total extra heavy rich poor safe
    deep wide narrow recent typical normal special basic actual similar various single nice fine huge massive
    obvious useful best worst next last previous own certain proper serious tough busy happy sad bright dark
    higher lower bigger smaller larger nicer better worse faster slower longer shorter greater stronger weaker
    easier harder cheaper richer older newer deeper wider safer""".split()
)
# a run ending on one of these is an adverbial phrase ("[right away]", "the other [way round]")
ADVERB_PARTICLES = frozenset("away round around back out off down up over along apart ahead aside".split())

COUNT_WORDS = {
    w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}


# abbreviations every reader knows, hidden alone they test nothing ("The [IRS] publishes ...", "states plus [DC]",
# "the [CEO] should ..."): a writer's markers (TODO), offices and roles, countries and cities, US states' postal codes
KNOWN_ABBREVIATIONS = frozenset(
    """TODO FIXME TBD NB IRS CEO CFO CTO COO IPO GDP USA US UK EU UN NYC DC LA SF NASA FBI CIA FDA SEC TV PC PDF
    URL AI HR PR PhD MBA NFL NBA AL AK AZ AR CA CO CT DE FL GA HI IA KS KY MD MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK PA RI SC SD TN TX UT VT
    VA WA WV WI WY""".split()
)

# what a scale after a number multiplies it by ("9x", "$15k", "16.8M", "2 million")
SCALES = {
    "x": 1.0,
    "k": 1e3,
    "K": 1e3,
    "thousand": 1e3,
    "M": 1e6,
    "million": 1e6,
    "B": 1e9,
    "billion": 1e9,
    "trillion": 1e12,
}
