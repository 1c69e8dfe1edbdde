"""Dutch: the intake's word lists, from how Dutch athletes write and the NHG/KNGF alarm signs."""

from __future__ import annotations

import re
from types import MappingProxyType

from .profile import Alarm, Language, seqs, words

__all__ = ["DUTCH"]

# -- words. Fillers are compared with lemma keys: "ben"/"is"/"was" are all "zijn".
FILLERS = words(
    "ik mijn mn me mij je jij de het een is ben was zijn heb hebt heeft had hebben gehad "
    "wordt word worden werd heel echt wel beetje ook nog al er dan nu toch gewoon even ff eens "
    "soms vaak altijd daar hier hij zij ze ie die dat deze dit van in op aan bij met voor naar om te zo erg "
    "super ongeveer zeg idd inderdaad hoor hè he ofzo enzo weer flink behoorlijk "
    "gisteren vandaag vanochtend vanmorgen laatst tijdje "
    # a time phrase between a body part and its complaint ("kuit is sinds een paar dagen dik")
    "sinds paar"
)
# lemmas simplemma gets wrong or unstable for this domain ("lopen" -> "loop", "loop" -> "lopen")
KEY_FIXES = MappingProxyType(
    {
        "mn": "mijn",
        "m'n": "mijn",
        "ff": "even",
        "idd": "inderdaad",
        # chat spelling and Flemish ("krijg m nie meer omhoog", "gwn", "gister")
        "nie": "niet",
        "m": "hem",
        "gwn": "gewoon",
        "bn": "zijn",
        "wss": "waarschijnlijk",
        "gister": "gisteren",
        "lopen": "lopen",
        "loop": "lopen",
        "liep": "lopen",
        "links": "links",
        "linker": "linker",
        "rechter": "rechter",
        "doof": "doof",
        "dove": "doof",
        "pees": "pees",
        "pezen": "pees",
        "peesje": "pees",
        "kruis": "kruis",
        "heet": "heet",
        "kanker": "kanker",
        "afvallen": "afvallen",
        "afgevallen": "afvallen",
        "kilos": "kilo",
        "kilo's": "kilo",
        "hammies": "hamstring",
        "hamstrings": "hamstring",
        "rdls": "rdl",
        "rdl's": "rdl",
        "kb": "kettlebell",
        "doms": "doms",
        "slapend": "slapend",
        "knieën": "knie",
        "billen": "bil",
        "tenen": "teen",
        "kan": "kunnen",
        "kon": "kunnen",
        "kuiten": "kuit",
        "enkels": "enkel",
        "geknapt": "knappen",
        "knapte": "knappen",
        "zwol": "zwellen",
        "opgezwollen": "zwellen",
        "gezwollen": "zwellen",
        "opgezet": "opzetten",
        "incontinent": "incontinent",
        "koortsig": "koorts",
        "wc": "wc",
        "knal": "knal",
        "knallen": "knallen",
        "beter": "beter",
        "meer": "meer",
        "bleek": "bleek",
        # "nee hoor", "ja hoor": the particle, not "horen" (a filler; "hoorde" stays "horen")
        "hoor": "hoor",
    }
)
CLAUSE_WORDS = words("maar echter hoewel behalve alleen_dat")

# compounds: "rugpijn" = "rug" + "pijn", "hamstringblessure", "linkerenkel", "achillespees";
# a head followed by a tail (or another head) is read as two words
COMPOUND_HEADS = words(
    "rug onderrug bovenrug knie enkel kuit hamstring hiel voet heup lies bil been scheen dij "
    "achilles nek schouder linker rechter pols elleboog zitbeen teen"
)
COMPOUND_TAILS = words(
    "pijn pijnen klacht klachten blessure blessures kramp krampen spier spieren pees pezen "
    "zwelling verstuiking scheur scheurtje letsel ontsteking gewricht band banden stijfheid "
    "spierpijn zenuw"
)

# -- context (ConText)
NEGATIONS = words("geen niet nooit zonder niets niks nee neen noch nergens niemand ontken")
# not "weg" or "over": "klapt weg", "gaat niet over" are complaints
POST_NEGATIONS = words("nee neen negatief verdwenen nergens")
POST_NOT = words("niet geen nooit niks niets")
# "zakt niet door", "blokkeert niet en ...": a separable verb's particle or a conjunction
POST_AFTER_NOT = words("meer echt gehad last hoor zo en maar want dus door op weg uit af mee")
SCOPE_END = words(
    "en dus omdat want sinds na toen wanneer terwijl totdat tot waardoor die dat welke plus "
    "behalve maar echter hoewel wel alleen"
)
LIST_GLUE = words("of noch geen en enige ook")
PSEUDO = MappingProxyType(
    {
        "geen": words("idee twijfel verschil zin flauw verbetering moment reden"),
        "niet": words(
            "alleen enkel zeker zo echt beter slecht lang erg waarom hoe wat wie of normaal "
            "goed veel"
        ),
        "zonder": words("waarschuwing reden aanleiding dat te twijfel dieet moeite lijn lijnen"),
        "niets": words("aan helpen werken"),
        "niks": words("aan helpen werken"),
        "nooit": words("eerder"),
    }
)
OTHER_PERSON = words(
    "vader pa papa moeder ma mama opa oma broer zus zuster oom tante neef nicht vriend vriendin "
    "maat maatje trainingsmaatje teamgenoot teamgenote collega partner familie schoonvader "
    "schoonmoeder buurman buurvrouw kennis iemand"
)
HYPOTHETICAL = seqs(
    "stel dat; stel; wat als; voor het geval; in geval; als ik ooit; mocht ik; mocht het; "
    "teken van; symptoom van; alarmsignaal; alarmsignalen; rode vlag; risico op; uitsluiten; "
    "gelezen over; horen over; moet ik me zorgen; wanneer moet ik; let op; bijvoorbeeld als"
)
# "als ik tintelingen krijg": Dutch puts the verb at the end of the if-clause
HYPOTHETICAL_FRAMES = (
    (words("als indien wanneer"), words("krijgen zou zouden mocht ontwikkelen merken")),
)
WORRY = words("bang ongerust bezorgd zorgen vrees angst schrik benieuwd")

# -- alarm words
SADDLE = words(
    "kruis zitvlak bil billen anus geslachtsdeel geslachtsdelen schaamstreek perineum zadel "
    "zadelgebied bilnaad wc afvegen afveeg onderkant liezen lies vagina penis balzak rijbroek "
    "intiem intieme daar beneden"
)
ARMS = words(
    "arm armen hand handen vinger vingers overal verspreid verspreiden gezicht lichaam hele"
)
INJURY = words(
    "blessure letsel val gevallen vallen viel stoot gestoten trap getrapt schop geschopt tackle "
    "klap botsing landing landen geland verdraaid verdraaien verzwikt verzwikken verstuikt "
    "omgeslagen omzwikken gebroken breuk gips ongeluk barbell gewicht klem tegen rugby kom "
    "dumbbell"
)
LIMB = words("voet teen tenen enkel scheen scheenbeen kuit been onderbeen hiel knie")
KNEE = words("knie knieschijf patella")
ANKLE = words("enkel enkelband")
HAMSTRING = words(
    "hamstring hamstrings bil billen zitbeen zitbot bovenbeen dij dijbeen rdl deadlift sprint "
    "sprinten bilplooi achterkant"
)
ACHILLES = words("achilles achillespees hiel pees kuit enkel teen tenen")
HOT = words("heet warm rood gloeit gloeiend")
BACK = words("rug onderrug rugpijn wervelkolom hernia ischias")
NIGHT_CTX = words("wakker slapen slaap liggen lig pijn zeer")
PAIN = words("pijn zeer zeer doen pijnlijk zeurend bonkt")
STOPPED = words(
    "stoppen gestopt stop ophouden afbreken uitgevallen mank hinken strompelen strompelend "
    "schoot scheur gescheurd verrekt gewisseld uitlopen uitgelopen aantrekken"
)
BONE = words(
    "bot botje knobbel knobbeltje enkelknobbel malleolus knieschijf wreef middenvoet kuitbeen "
    "scheenbeen"
)

NUMB_ITEMS: tuple[tuple[frozenset[str] | None, str], ...] = (
    (SADDLE, "saddle_numbness"),
    (ARMS, "widespread_neurology"),
    (words("beide allebei benen"), "progressive_leg_weakness"),
    (INJURY, "injured_limb_cold_or_numb"),
    # no fallback without a body part: "doof van de muziek"
    (LIMB | BACK | words("benen arm armen"), "widespread_neurology"),
)

ALARMS: tuple[Alarm, ...] = (
    Alarm(
        seqs(
            "doof; gevoelloos; gevoelloosheid; verdoofd; verdoving; tinteling; tintelen; "
            "prikkeling; slapend; geen gevoel; niet voelen; niks voelen; weinig gevoel; "
            "minder gevoel; verminderd gevoel; voelen teen niet; voelen voet niet; "
            "voelen been niet"
        ),
        NUMB_ITEMS,
    ),
    Alarm(seqs("raar; vreemd; anders"), ((SADDLE, "saddle_numbness"),)),
    Alarm(
        seqs(
            "plassen; plas; urine; blaas; incontinent; incontinentie; lekken; lekt; straal; "
            "katheter; ontlasting; poepen; poep; darm; broek; ongelukje; grote boodschap"
        ),
        ((None, "bladder_or_bowel_dysfunction"),),
    ),
    Alarm(
        seqs(
            "seks; sex; erectie; erectieproblemen; impotent; klaarkomen; orgasme; vrijen; libido; "
            "zaadlozing"
        ),
        ((None, "new_sexual_dysfunction"),),
    ),
    Alarm(
        seqs("klapvoet; slepen; sleept; haken; dubbel klappen; onder me weg"),
        ((KNEE, "knee_giving_way"), (None, "progressive_leg_weakness")),
    ),
    Alarm(
        seqs("zwak; slap; krachteloos; krachtverlies; uitval; uitvalsverschijnsel; pudding"),
        (
            (words("afzetten teen tenen tenenstand"), "achilles_pop_or_gap"),
            (words("beide allebei benen"), "progressive_leg_weakness"),
            (words("voet"), "progressive_leg_weakness"),
            (words("arm armen"), "widespread_neurology"),
        ),
    ),
    Alarm(
        seqs(
            "koorts; verhoging; temperatuur; rillerig; rilling; koude rilling; nachtzweten; "
            "zweten nacht; griep; grieperig; ziek; malaise; niet lekker"
        ),
        ((None, "fever_or_unwell"),),
    ),
    Alarm(
        seqs(
            "afvallen; gewichtsverlies; kilo kwijt; kilo lichter; kg lichter; kg kwijt; "
            "gewicht omlaag; lichter geworden"
        ),
        ((None, "unexplained_weight_loss"),),
    ),
    Alarm(
        seqs(
            "kanker; tumor; chemo; chemotherapie; bestraling; radiotherapie; lymfoom; leukemie; "
            "melanoom; kwaadaardig; oncoloog; oncologie; uitzaaiing"
        ),
        ((None, "cancer_history"),),
    ),
    Alarm(
        seqs("knal; knappen; plop; knak; knakken; deuk; gat; gleuf; klap; scheur; scheuren"),
        (
            (ACHILLES, "achilles_pop_or_gap"),
            (HAMSTRING, "thigh_pop_with_bruising"),
            (KNEE, "rapid_knee_swelling"),
        ),
    ),
    Alarm(
        seqs("zwellen; zwelling; opzetten; vocht; ballon"),
        (
            (HOT, "hot_swollen_joint"),
            (KNEE, "rapid_knee_swelling"),
            (ANKLE, "ankle_pain_not_settling"),
            (None, "hot_swollen_joint"),
        ),
    ),
    # "dik" is also slang ("dikke PR"): only next to a joint
    Alarm(
        seqs("dik"),
        (
            (HOT, "hot_swollen_joint"),
            (KNEE, "rapid_knee_swelling"),
            (ANKLE, "ankle_pain_not_settling"),
        ),
    ),
    Alarm(
        seqs("blauw plek; bloeduitstorting; blauw; paars"),
        ((HAMSTRING, "thigh_pop_with_bruising"), (ACHILLES, "achilles_pop_or_gap")),
    ),
    Alarm(seqs("slot; blokkeren; geblokkeerd; klem; vast"), ((KNEE, "knee_locked"),)),
    Alarm(
        seqs(
            "doorzakken; zakken; instabiel; onbetrouwbaar; wegklappen; begeven; knikken; wiebelig"
        ),
        ((KNEE, "knee_giving_way"),),
    ),
    # cold or pale only after an injury: cold feet in a draughty gym are not a red flag;
    # not "blauw" alone, which is mostly a bruise ("blauwe plek")
    Alarm(seqs("koud; ijskoud; koel; bleek; wit"), ((INJURY, "injured_limb_cold_or_numb"),)),
    Alarm(seqs("vallen weg; valt weg; schiet weg; zwikt; los"), ((KNEE, "knee_giving_way"),)),
    Alarm(
        seqs("gloeiend; gloeit; vuurrood"),
        ((words("knie enkel pols elleboog heup gewricht teen schouder"), "hot_swollen_joint"),),
    ),
    Alarm(seqs("struikelen; struikel"), ((None, "progressive_leg_weakness"),)),
    Alarm(seqs("beroerd; hondsberoerd; klappertanden"), ((None, "fever_or_unwell"),)),
    Alarm(
        seqs(
            "niet lopen; niet meer lopen; niet staan; niet belasten; kruk; hinken; hop; gedragen; "
            "niet steunen; geen gewicht"
        ),
        (
            (INJURY | LIMB, "unable_to_bear_weight"),
            (BACK, "progressive_leg_weakness"),
            (None, "unable_to_bear_weight"),
        ),
    ),
    Alarm(
        seqs("tenen staan; tenenstand; afzetten"),
        ((words("zwak lukt moeite"), "achilles_pop_or_gap"),),
    ),
    Alarm(
        seqs("kom; luxatie; ontwricht; ontwrichten; verschoven; eruit geschoten"),
        ((KNEE, "kneecap_dislocation"),),
    ),
    Alarm(seqs("nacht; nachts; nachtpijn; nachtelijk"), ((NIGHT_CTX, "night_pain"),)),
    Alarm(seqs("wakker"), ((PAIN, "night_pain"),)),
    Alarm(
        seqs("gewicht; weegschaal; broek zakt"),
        ((words("omlaag minder lichter kwijt zakken zakt"), "unexplained_weight_loss"),),
    ),
    Alarm(
        seqs("hamstring; hamstringblessure; zweepslag; mank"),
        ((STOPPED, "hamstring_injury_stopped_activity"),),
    ),
    Alarm(
        seqs("meloen; enorm; strak"),
        ((KNEE, "rapid_knee_swelling"), (ANKLE, "ankle_pain_not_settling")),
    ),
    Alarm(
        seqs("drukken; druk; drukpijn; drukpijnlijk; aanraken; duwen"),
        ((BONE, "bone_tenderness_after_injury"),),
    ),
    Alarm(
        seqs("niet beter; geen verbetering; nog steeds; nog altijd; week"),
        ((ANKLE, "ankle_pain_not_settling"),),
    ),
    Alarm(
        seqs(
            "knijpen; samenknijpen; samendrukken; samenpersen; samenperst; squeeze; tegen elkaar; in elkaar"
        ),
        (
            (
                words("scheen scheenbeen onderbeen kuit kuitbeen enkel"),
                "positive_ankle_squeeze_test",
            ),
        ),
    ),
    Alarm(
        seqs(
            "motorongeluk; auto-ongeluk; ongeluk; paard; aangereden; aanrijden; botsing; steiger; "
            "ladder; dak; hoogte"
        ),
        ((None, "major_trauma"),),
    ),
    Alarm(
        seqs(
            "abces; antibiotica; antibioticum; infectie; ontsteking; afweer; weerstand; "
            "methotrexaat; biologicals; immuunsuppressie; transplantatie; drugs; hiv; aids; afweerremmer; "
            "afweerremmers"
        ),
        ((None, "infection_risk"),),
    ),
    Alarm(
        seqs(
            "osteoporose; botontkalking; osteopenie; broos; prednison; prednisolon; "
            "corticosteroïden; corticosteroïd; stoottherapie"
        ),
        ((None, "osteoporosis_or_steroid_use"),),
    ),
)

# -- numbers
UNITS = MappingProxyType(
    {
        "cm": ("cm", "cms", "centimeter", "centimeters"),
        "deg": ("graden", "graad", "°", "deg"),
        "reps": ("rep", "reps", "herhaling", "herhalingen", "keer", "x"),
        "N": ("n", "newton"),
        "mm": ("mm", "millimeter"),
        "kg": ("kg", "kilo", "kilos", "kilogram"),
        "s": ("s", "sec", "seconde", "seconden"),
        "%": ("%", "procent"),
    }
)
SEX_WORDS = MappingProxyType({"vrouw": "female", "man": "male"})
SIDES = MappingProxyType(
    {
        "links": "left",
        "linker": "left",
        "li": "left",
        "l": "left",
        "rechts": "right",
        "rechter": "right",
        "re": "right",
        "r": "right",
    }
)
_NOT_AGE = (
    r"(?!\s*(?:cm|mm|kg|kilo|%|°|graden|reps?|keer|x\b|n\b|min|minuten|sec|seconden|s\b|km|"
    r"m\b|meter|weken|week|dagen|dag|maanden|maand|uur|uren|sets?|rondes?|/))"
)
AGES = (
    re.compile(r"\b(\d{1,3})\s*-?\s*(?:jaar|jr)(?:\s+oud)?(?![a-z])", re.I),
    re.compile(r"\bleeftijd\s*:?\s*(\d{1,3})\b" + _NOT_AGE, re.I),
    # "ik ben 51", "ben ik 51", "Ben 51" opening a line or after punctuation: the first
    # letter (each letter re.IGNORECASE folds to it) comes first and look-behinds test what
    # stood before it, so the scan jumps from one such letter to the next (with a leading
    # \b or ^ the pattern was tried at every position; tests/test_intake_age_patterns.py)
    re.compile(
        r"[iI\u0130\u0131bB](?i:(?<=i)(?<!\w.)k\s+ben|(?<=b)(?<!\w.)en\s+ik"
        r"|(?<=b)(?:(?<![^\n].)|(?<=[.!?,;]\s.)|(?<=[.!?,;].))en)"
        r"(?i:\s+(?:nu\s+|pas\s+|net\s+|al\s+)?(\d{1,3})\b(?![.,]\d)" + _NOT_AGE + ")"
    ),
    re.compile(r"\b[A-Z][a-z]+\s*\(\s*(\d{1,2})\s*\)"),
    re.compile(
        r"\b(?:zoon|dochter|kind|jongen|meisje|sporter|atleet|cliënt|client|patiënt|speler|puber|tiener)"
        r"\s*(?:is|van|,)\s*(\d{1,2})\b(?![.,]\d)" + _NOT_AGE,
        re.I,
    ),
)

# one per pattern of AGES: a match contains one of these (lower case), so an ASCII text
# without any is not scanned with that pattern (tests/test_intake_fastpath.py compares)
AGE_HINTS: tuple[tuple[str, ...], ...] = (
    ("jaar", "jr"),
    ("leeftijd",),
    ("ben",),
    ("(",),
    # "cliënt", "patiënt": not ASCII, so such a text is scanned with every pattern
    (
        "zoon",
        "dochter",
        "kind",
        "jongen",
        "meisje",
        "sporter",
        "atleet",
        "client",
        "speler",
        "puber",
        "tiener",
    ),
)

DUTCH = Language(
    code="nl",
    name="Nederlands",
    fillers=FILLERS,
    key_fixes=KEY_FIXES,
    clause_words=CLAUSE_WORDS,
    negations=NEGATIONS,
    post_negations=POST_NEGATIONS,
    post_not=POST_NOT,
    post_after_not=POST_AFTER_NOT,
    scope_end=SCOPE_END,
    and_words=words("en"),
    list_glue=LIST_GLUE,
    list_closers=words("of noch"),
    pseudo=PSEUDO,
    other_person=OTHER_PERSON,
    hypothetical=HYPOTHETICAL,
    worry=WORRY,
    alarms=ALARMS,
    injury=INJURY,
    units=UNITS,
    sex_words=SEX_WORDS,
    sides=SIDES,
    side_words=words("links rechts linker rechter"),
    ages=AGES,
    age_hints=AGE_HINTS,
    measure_glue=words("en kant zijde ongeveer rond circa ca zon test is"),
    soreness=words("spierpijn doms"),
    soreness_bigrams=frozenset({("leg", "day")}),
    idle=words("en of als wanneer terwijl maar dus omdat want sinds na"),
    question="Heb je last van: {label}?",
    compound_heads=COMPOUND_HEADS,
    compound_tails=COMPOUND_TAILS,
    hypothetical_frames=HYPOTHETICAL_FRAMES,
    post_not_ends_segment=True,
    # "afweer is prima", "plassen gaat normaal"; not "goed", also an intensifier
    # ("knie zwol goed op")
    post_fine=words("prima normaal oké oke ok stabiel"),
    fine_skips=words("gaan werken functioneren en"),
    # past forms: "koorts gehad, helemaal hersteld", "sinds de griep over is"; not "weg" or
    # "over" alone ("gaat niet weg", "gaat niet over" are complaints)
    resolved=seqs(
        "hersteld; genezen; over is; over was; overgegaan; over gegaan; weggegaan; "
        "weg gegaan; verdwenen; voorbij; weer beter; weer normaal"
    ),
    soft_breaks=",:",
    context_in_segment=True,
    negation_in_scope=True,
    # the screens English has (en.py): a knee injury asks the Ottawa knee rule (S41); a
    # clot risk or breathlessness with a calf asks whether it is one calf (S59, Wells)
    pair_screens=(
        (
            words("fall_or_direct_blow twisting_or_landing_injury"),
            words("knie knieschijf patella"),
            "bone_tenderness_after_injury",
        ),
        (
            words(
                "breathless_or_chest_pain previous_clot oestrogen_use long_travel_or_immobilisation "
                "recent_surgery_or_plaster"
            ),
            words("kuit"),
            "one_sided_calf_pain",
        ),
    ),
)
