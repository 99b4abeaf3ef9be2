"""Word lists for rating, warnings, relationships and freeforms, and one index to find them.

The lists are this project's own. Each phrase is written with brace alternatives
("kiss{,ed,es,ing}") and lower case; all of them go into one dict keyed by first token,
so a text is scanned once for every category together. A phrase may carry several
categories ("fucked him" is both explicit and strong language).

Words inside a matched name are never read as cues ("Faith", "Dawn", "Pepper Potts").
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Final

from quire.core.suggest.layout import TextLayout, phrase_gaps
from quire.core.suggest.phrases import PhraseTable

__all__ = ["Cue", "CueHit", "expand", "find_cues"]


class Cue(StrEnum):
    ROMANCE = "romance"
    FRIEND = "friend"
    EXPLICIT = "explicit"
    SEXUAL = "sexual"
    VIOLENCE = "violence"
    GRAPHIC = "graphic"
    STRONG_LANGUAGE = "strong language"
    MILD_LANGUAGE = "mild language"
    DEATH_AFTER = "death after a name"
    DEATH_BEFORE = "death before a name"
    DEATH_OWNED = "death owned by a name"
    GRIEF = "grief"
    FLUFF = "fluff"
    ANGST = "angst"
    HURT = "hurt"
    COMFORT = "comfort"
    HUMOR = "humor"
    FIRST_KISS = "first kiss"
    ESTABLISHED = "established"
    FAMILY = "family"
    CHRISTMAS = "christmas"
    HALLOWEEN = "halloween"
    COFFEE_SHOP = "coffee shop"
    AU = "alternate universe"
    POST_CANON = "post canon"
    NEGATION = "negation"


# (categories, weight, phrases). Weights matter for ROMANCE only (a kiss counts more
# than a blush); elsewhere every hit counts 1.
_LISTS: Final[tuple[tuple[tuple[Cue, ...], float, tuple[str, ...]], ...]] = (
    (
        (Cue.ROMANCE,),
        1.0,
        (
            "kiss{,ed,es,ing}",
            "in love",
            "fell in love",
            "falling in love",
            "lover{,s}",
            "made love",
            "making love",
            "i love you",
            "love you",
            "{girl,boy}friend{,s}",
            "kissed {her,him} back",
            "more than {friends,partners,colleagues}",
            "wanted to kiss {him,her}",
            "make out",
            "made out",
            "making out",
        ),
    ),
    (
        (Cue.ROMANCE,),
        0.75,
        (
            "husband",
            "wife",
            "married",
            "marry me",
            "wedding",
            "engaged",
            "date night",
            "{his,her,their} lips",
            "lips {met,touched,brushed}",
            "beloved",
            "{loved,love,loves} {him,her}",
            "{had,have,has} been together",
        ),
    ),
    (
        (Cue.ROMANCE,),
        0.5,
        (
            "{held,holding,hold,take,took,taking} {his,her,my,your} hand",
            "held hands",
            "holding hands",
            "hand in hand",
            "cuddl{e,ed,es,ing}",
            "snuggl{e,ed,ing}",
            "embrac{e,ed,ing}",
            "caress{,ed,es,ing}",
            "nuzzl{e,ed,ing}",
            "lips",
            "darling",
            "sweetheart",
            "blush{,ed,es,ing}",
            "flirt{,ed,ing,s}",
            "longing",
            "ador{e,ed}",
            "{shared,sharing,share,shares} {a,the,his,her,their} bed",
            "in bed together",
            "{curled,pressed} against",
            "intertwined",
            "fingers laced",
            "heart fluttered",
            "stroked {his,her} {hair,cheek,face}",
            "{cupped,cupping} {his,her} {face,cheek}",
            "{their,our} fingers",
            "fingers {laced,linked,intertwined,entwined,tangled}",
            "{laced,linked,twined} {their,our} fingers",
            "squeez{e,ed,ing} {his,her} hand",
            "{rested,leaned,resting,leaning,laid,tipped,pillowed} {his,her} head {on,against}",
            "{arm,arms} {around,round} {him,her}",
            "{arm,arms} came {around,round}",
            "{wrapped,slung} {an,his,her,both} {arm,arms}",
            "to hold it",
            "{touched,brushed} {his,her} {face,cheek,hair,lips,fingers}",
            "{pulled,drew,held,holding} {him,her} close",
            "heart {raced,skipped,pounded,hammered}",
        ),
    ),
    (
        (Cue.ROMANCE,),
        0.25,
        (
            "kissed {her,his,my,your} {forehead,cheek,brow,temple,hand,knuckles,head,hair}",
            "kiss on the {forehead,cheek}",
        ),
    ),
    (
        (Cue.FRIEND,),
        1.0,
        (
            "friend{,s}",
            "best friend{,s}",
            "friendship",
            "buddy",
            "buddies",
            "pal{,s}",
            "mate{,s}",
            "comrade{,s}",
            "side by side",
            "trust{,ed} each other",
            "partner{,s}",
            "companionable",
            "companionship",
            "my dear fellow",
            "old friend",
            "shoulder to shoulder",
        ),
    ),
    (
        (Cue.FIRST_KISS, Cue.ROMANCE),
        1.0,
        (
            "first kiss",
            "kissed for the first time",
            "never kissed",
            "finally kissed",
            "first time {they,we,he,she} kissed",
            "had never been kissed",
        ),
    ),
    (
        (Cue.ESTABLISHED,),
        1.0,
        (
            "{his,her,my,your} husband",
            "{his,her,my,your} wife",
            "anniversary",
            "years together",
            "wedding ring",
            "our bed",
            "their bed",
            "after all these years",
            "as {they,we} always did",
            "married for",
            "{their,our} {flat,apartment,home}",
        ),
    ),
    (
        (Cue.EXPLICIT,),
        1.0,
        (
            "cock{,s}",
            "erection",
            "penis",
            "vagina",
            "clit{,oris}",
            "orgasm{,s,ed}",
            "semen",
            "cum",
            "blowjob{,s}",
            "blow job{,s}",
            "hand job{,s}",
            "handjob{,s}",
            "fellatio",
            "cunnilingus",
            "lube",
            "{thrust,pushed,slid} inside {him,her,me}",
            "came {inside,in} {him,her}",
            "{his,her} arousal",
        ),
    ),
    (
        (Cue.EXPLICIT, Cue.STRONG_LANGUAGE),
        1.0,
        ("{fucked,fucking,fuck,fucks} {him,her,me,you,them}",),
    ),
    (
        (Cue.SEXUAL,),
        1.0,
        (
            "sex",
            "had sex",
            "having sex",
            "sexual{,ly}",
            "naked",
            "nude",
            "moan{,ed,ing,s}",
            "arous{ed,al}",
            "nipple{,s}",
            "breasts",
            "undress{,ed,ing}",
            "climax{,ed}",
            "made love",
            "making love",
            "slept together",
            "{sleep,slept,sleeping} with {him,her}",
            "thrust{,ed,ing,s}",
            "between {his,her,my} legs",
            "bare skin",
            "straddl{e,ed,ing}",
            "{his,her} thighs",
            "{pulled,tugged} off {his,her} {shirt,clothes}",
        ),
    ),
    (
        (Cue.VIOLENCE,),
        1.0,
        (
            "blood",
            "bleed{,s,ing}",
            "bled",
            "stab{,s,bed,bing}",
            "wound{,s,ed}",
            "gun{,s}",
            "gunshot",
            "shot {him,her,them,at}",
            "shoot{,ing}",
            "kill{,s,ed,ing,er}",
            "murder{,s,ed,er,ous}",
            "punch{,es,ed}",
            "poison{,s,ed,ing}",
            "arsenic",
            "fight{,s,ing}",
            "fought",
            "sword{,s}",
            "knife",
            "knives",
            "blade",
            "bruis{e,es,ed}",
            "strangl{e,ed,ing}",
            "chok{e,ed,ing}",
            "scream{,s,ed,ing}",
            "corpse{,s}",
            "dead body",
            "stak{e,ed,ing}",
            "violen{ce,t}",
            "weapon{,s}",
            "attack{,s,ed,ing}",
            "broken {nose,ribs,arm,leg}",
            "fist{,s}",
            "slash{,ed}",
            "beat{en} {him,her} up",
            "hurt {him,her}",
            "axe",
            "crossbow",
        ),
    ),
    (
        (Cue.GRAPHIC, Cue.VIOLENCE),
        1.0,
        (
            "gore",
            "gory",
            "entrails",
            "intestines",
            "guts",
            "viscera",
            "disembowel{,ed,led}",
            "decapitat{e,ed,ion}",
            "behead{,ed}",
            "dismember{,ed,ment}",
            "eviscerat{e,ed}",
            "mutilat{e,ed,ion}",
            "severed",
            "mangled",
            "pool of blood",
            "blood-soaked",
            "blood {sprayed,spurted,gushed,poured,splattered,spattered}",
            "torture{,d}",
            "flay{,ed}",
            "gouged",
            "ripped {out,open}",
            "torn {apart,open}",
            "carnage",
            "massacre{,d}",
            "slaughter{,ed}",
            "bloodbath",
            "butcher{,ed}",
            "{skull,bone,bones} {cracked,shattered,snapped,splintered}",
            "brains",
            "throat {slit,cut,torn}",
            "slit {his,her} throat",
            "spilled {his,her} guts",
        ),
    ),
    (
        (Cue.STRONG_LANGUAGE,),
        1.0,
        (
            "fuck",
            "fucking",
            "fucked",
            "fucker{,s}",
            "fucks",
            "motherfucker{,s}",
            "cunt{,s}",
            "fuckin",
        ),
    ),
    (
        (Cue.MILD_LANGUAGE,),
        1.0,
        (
            "shit",
            "shitty",
            "bullshit",
            "damn",
            "damned",
            "dammit",
            "damnit",
            "goddamn",
            "goddamnit",
            "bastard{,s}",
            "bitch{,es,ing}",
            "ass",
            "asshole{,s}",
            "arse",
            "arsehole{,s}",
            "crap",
            "piss{,ed}",
            "bloody",
            "bloody hell",
            "what the hell",
            "the hell",
            "go to hell",
            "dick",
            "prick",
            "wanker",
            "bollocks",
            "sodding",
            "bugger",
        ),
    ),
    (
        (Cue.DEATH_AFTER,),
        1.0,
        (
            "died",
            "dies",
            "is dead",
            "was dead",
            "lay dead",
            "had died",
            "has died",
            "passed away",
            "was killed",
            "had been killed",
            "got killed",
            "was murdered",
            "stopped breathing",
            "never woke up",
            "breathed {his,her} last",
            "did not survive",
            "didn't survive",
            "was gone forever",
            "is really dead",
            "was already dead",
        ),
    ),
    (
        (Cue.DEATH_BEFORE,),
        1.0,
        (
            "killed",
            "murdered",
            "death of",
            "funeral of",
            "grave of",
            "mourned",
            "mourning",
            "buried",
            "body of",
            "loss of",
            "the late",
            "shot and killed",
        ),
    ),
    (
        (Cue.DEATH_OWNED,),
        1.0,
        (
            "funeral",
            "grave",
            "gravestone",
            "headstone",
            "tombstone",
            "coffin",
            "casket",
            "death",
            "body",
            "corpse",
            "ashes",
            "memorial",
            "urn",
            "lifeless body",
            "dead body",
        ),
    ),
    (
        (Cue.GRIEF,),
        1.0,
        (
            "funeral",
            "grave{,s,side}",
            "mourn{,ed,ing}",
            "grief",
            "griev{e,ed,ing}",
            "eulogy",
            "buried",
            "burial",
            "wept",
            "widow{,ed}",
            "rest in peace",
            "condolences",
            "memorial",
            "headstone",
            "gravestone",
            "tombstone",
            "coffin",
        ),
    ),
    (
        (Cue.FLUFF,),
        1.0,
        (
            "smil{e,ed,es,ing}",
            "grin{,s,ned,ning}",
            "giggl{e,ed,es,ing}",
            "laugh{,ed,s,ing}",
            "warm",
            "warmth",
            "cozy",
            "cosy",
            "soft{,ly}",
            "blanket{,s}",
            "cocoa",
            "hot chocolate",
            "cuddl{e,ed,es,ing}",
            "snuggl{e,ed,es,ing}",
            "sweet",
            "happy",
            "happiness",
            "content",
            "gentle",
            "gently",
            "fond{,ly,ness}",
            "beam{,ed,ing}",
            "delight{,ed}",
            "cookies",
            "kitten{,s}",
            "puppy",
            "sunshine",
        ),
    ),
    (
        (Cue.ANGST,),
        1.0,
        (
            "tear{,s}",
            "cried",
            "cry",
            "crying",
            "sob{,s,bed,bing}",
            "grief",
            "griev{e,ed,ing}",
            "mourn{,ed,ing}",
            "ach{e,ed,ing}",
            "alone",
            "lonely",
            "loneliness",
            "regret{,s,ted}",
            "guilt{,y}",
            "hurt",
            "pain",
            "broken",
            "empty",
            "emptiness",
            "hollow",
            "despair",
            "heartbreak",
            "heartbroken",
            "never again",
            "too late",
            "numb",
            "shaking",
            "trembl{e,ed,ing}",
            "wept",
            "weep{,ing}",
            "miss{ed} {him,her,them}",
            "sorrow",
        ),
    ),
    (
        (Cue.HURT,),
        1.0,
        (
            "injur{y,ed,ies}",
            "wound{,s,ed}",
            "bleeding",
            "bandag{e,ed,es}",
            "fever{,ish}",
            "sick",
            "ill",
            "nightmare{,s}",
            "pain",
            "hurt",
            "shaking",
            "trembl{e,ed,ing}",
            "stitches",
            "broken rib{,s}",
            "concussion",
            "infirmary",
            "sickbay",
            "hospital",
            "limp{,ed,ing}",
            "bruis{e,es,ed}",
            "flu",
            "cough{,ed,ing}",
            "panic attack",
        ),
    ),
    (
        (Cue.COMFORT,),
        1.0,
        (
            "comfort{,ed,ing}",
            "sooth{e,ed,ing}",
            "held {him,her}",
            "hold {him,her,me}",
            "it's okay",
            "it's ok",
            "it's all right",
            "it's alright",
            "i've got you",
            "i'm here",
            "you're safe",
            "hush",
            "shh",
            "reassur{e,ed,ing}",
            "stroked",
            "rubbed {his,her} back",
            "tucked",
            "blanket{,s}",
            "cup of tea",
            "stay with me",
            "i'm not going anywhere",
            "took care of",
            "taking care of",
            "look after",
        ),
    ),
    (
        (Cue.HUMOR,),
        1.0,
        (
            "laugh{,ed,s,ing}",
            "snort{,ed}",
            "joke{,s,d}",
            "joking",
            "ridiculous",
            "absurd",
            "giggl{e,ed,es,ing}",
            "cackl{e,ed}",
            "rolled {his,her,their} eyes",
            "chuckl{e,ed}",
            "deadpan{,ned}",
            "sarcas{m,tic,tically}",
            "pun{,s}",
            "hilarious",
            "funny",
            "prank{,s}",
            "smirk{,ed}",
            "eye roll",
            "idiot{,s}",
            "{with,in} great dignity",
            "insulted",
            "offended",
        ),
    ),
    (
        (Cue.FAMILY,),
        1.0,
        (
            "mother",
            "father",
            "mom",
            "mum",
            "dad",
            "mommy",
            "daddy",
            "sister{,s}",
            "brother{,s}",
            "family",
            "daughter{,s}",
            "son{,s}",
            "parent{,s}",
            "grandmother",
            "grandfather",
            "gran",
            "nan",
            "aunt",
            "uncle",
            "cousin{,s}",
            "siblings",
        ),
    ),
    (
        (Cue.CHRISTMAS,),
        1.0,
        (
            "christmas",
            "xmas",
            "mistletoe",
            "stocking{,s}",
            "carols",
            "carolling",
            "caroling",
            "yule",
            "tinsel",
            "santa",
            "christmas tree",
            "advent",
        ),
    ),
    (
        (Cue.HALLOWEEN,),
        1.0,
        ("halloween", "trick or treat", "trick-or-treating", "jack-o'-lantern{,s}", "pumpkin{,s}"),
    ),
    (
        (Cue.COFFEE_SHOP,),
        1.0,
        ("barista{,s}", "latte{,s}", "espresso", "coffee shop{,s}", "café", "cafe", "cappuccino"),
    ),
    ((Cue.AU,), 1.0, ("alternate universe", "alternative universe", "alternate reality")),
    (
        (Cue.POST_CANON,),
        1.0,
        (
            "after the war",
            "since the war",
            "years later",
            "years since",
            "post-war",
            "after everything",
            "after it was all over",
            "now that it was over",
            "in the years after",
            "after the final battle",
        ),
    ),
    ((Cue.NEGATION,), 1.0, ("not", "t", "never", "nearly", "almost", "no")),
)

_ALTERNATIVES: Final = re.compile(r"\{([^{}]*)\}")


def expand(pattern: str) -> list[str]:
    """All spellings of a cue pattern: "kiss{,ed}" -> ["kiss", "kissed"]."""
    match = _ALTERNATIVES.search(pattern)
    if match is None:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    results: list[str] = []
    for choice in match.group(1).split(","):
        results.extend(expand(head + choice + tail))
    return results


@dataclass(frozen=True, slots=True)
class _Phrase:
    tokens: tuple[str, ...]
    gaps: tuple[str, ...]
    payload: tuple[tuple[Cue, float], ...]


@dataclass(frozen=True, slots=True)
class CueHit:
    """A cue phrase found at tokens ``start`` to ``end`` (exclusive)."""

    cue: Cue
    weight: float
    start: int
    end: int
    words: str


@cache
def _table() -> PhraseTable[_Phrase]:
    payloads: dict[tuple[tuple[str, ...], tuple[str, ...]], dict[Cue, float]] = defaultdict(dict)
    for cues, weight, patterns in _LISTS:
        for pattern in patterns:
            for phrase in expand(pattern):
                parsed = phrase_gaps(phrase, strict=False)
                if parsed is None:
                    continue
                tokens, gaps = parsed
                slot = payloads[(tuple(tokens), gaps)]
                for cue in cues:
                    slot[cue] = max(slot.get(cue, 0.0), weight)
    return PhraseTable(
        (
            _Phrase(tokens, gaps, tuple(payload.items()))
            for (tokens, gaps), payload in payloads.items()
        ),
        strict=False,
    )


def find_cues(layout: TextLayout, covered: set[int]) -> list[CueHit]:
    """Every cue phrase in the text outside the tokens in ``covered`` (names), longest first."""
    table = _table()
    starts_of = table.starts
    lower = layout.lower
    text = layout.text
    starts, ends = layout.starts, layout.ends
    hits: list[CueHit] = []
    resume = 0
    for index in [index for index, word in enumerate(lower) if word in starts_of]:
        if index < resume or index in covered:
            continue
        matched = table.match(layout, index, lower)
        if (
            matched is not None
            and len(matched.tokens) > 1
            and any(step in covered for step in range(index, index + len(matched.tokens)))
        ):
            matched = starts_of[lower[index]].single
        if matched is None:
            continue
        end = index + len(matched.tokens)
        words = lower[index] if end == index + 1 else text[starts[index] : ends[end - 1]].lower()
        for cue, weight in matched.payload:
            hits.append(CueHit(cue, weight, index, end, words))
        resume = end
    return hits
