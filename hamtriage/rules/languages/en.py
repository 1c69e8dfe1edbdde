"""English: the intake's word lists (moved here unchanged from the intake modules of issue 12)."""

from __future__ import annotations

import re
from types import MappingProxyType

from .profile import Alarm, Language, seqs, words

__all__ = ["ENGLISH"]

# -- words (were rules/phrases.py FILLERS and _KEY_FIXES["en"], flows/intake/tokens.py CLAUSE_WORDS)
FILLERS = words(
    "a an the my me i im ive id its it is are am was were be been being really very so just "
    "quite pretty bit little kind sort of always often sometimes usually also too like get gets "
    "got getting in on at to for with from by this that these those some any lot lots have has "
    "had having do does did then now again still up think guess maybe kinda sorta literally "
    "totally super honestly basically actually definitely properly abit"
)
# contractions and lemmas simplemma gets wrong for this domain (``calves`` -> ``calve``)
KEY_FIXES = MappingProxyType(
    {
        "cannot": "cant",
        "couldnt": "cant",
        "calve": "calf",
        "calves": "calf",
        "hammies": "hammy",
        "hammie": "hammy",
        "hammy": "hammy",
        "rdls": "rdl",
        "kb": "kettlebell",
        "kbs": "kettlebell",
        "wont": "wont",
        "numbness": "numb",
        "tingly": "tingle",
        "swollen": "swell",
        "sweating": "sweat",
        "urinating": "urinate",
        "peeing": "pee",
        "weeing": "wee",
        "bruising": "bruise",
        "doms": "doms",
    }
)
CLAUSE_WORDS = words("but however although though whereas except")

# -- context (were flows/intake/context.py)
NEGATIONS = words(
    "no not never without dont doesnt didnt havent hasnt hadnt isnt arent wasnt werent wont nor "
    "none neither nothing deny nope zero nil"
)
POST_NEGATIONS = words("none nil nope gone resolve negative nothing")
POST_NOT = words("no not never")
POST_AFTER_NOT = words("anymore really lately recently since all today")
SCOPE_END = words(
    "and so because cause since after when while until then which who yet plus whereas except "
    "but however although though"
)
LIST_GLUE = words("or nor any either no and")
PSEUDO = MappingProxyType(
    {
        "no": words("better worse change idea matter doubt way clue reason wonder"),
        "not": words("only just sure certain bad long help great enough much fun try trying"),
        "dont": words("know think understand care help want seem"),
        "doesnt": words("help seem matter"),
        "didnt": words("help know think"),
        "without": words("warning reason try trying much"),
        "nothing": words("help work change"),
        "never": words("mind"),
    }
)
OTHER_PERSON = words(
    "dad father mum mom mother grandma grandmother grandad granddad grandfather grandpa nan nana "
    "brother sister uncle aunt auntie cousin friend mate teammate wife husband partner girlfriend "
    "boyfriend family relative colleague coworker guy bloke"
)
HYPOTHETICAL = seqs(
    "what if; in case; if i ever; if i get; if i have; if i notice; if it; if there; if i start; "
    "if i develop; if you; sign of; symptom of; watch out; watch for; look out; look for; risk of; "
    "rule out; read about; hear about; should i worry; when to worry; read online; read that; "
    "see a video; saw a video; test for; tested for; check for; checked for; scared of; afraid of; "
    "terrified of; fear of"
)
WORRY = words("worried worry scared afraid concerned anxious wonder wondering fear")

# -- alarm words (were flows/intake/alarms.py)
SADDLE = words(
    "groin bum butt backside bottom anus anal genital genitals private privates perineum saddle "
    "crotch wipe toilet loo undercarriage vagina penis scrotum testicle arse ass buttcheek cheek "
    "nether"
)
ARMS = words("arm hand finger everywhere spread spreading face body whole")
INJURY = words(
    "injury injure hurt drop dropped bar kick kicked tackle tackled fall fell crash hit land "
    "landed twist twisted roll rolled break broke fracture cast accident impact collide collision "
    "dislocate"
)
LIMB = words("foot toe ankle shin calf leg heel knee")
# cold or pale with a limb and an injury (not "knees cold after a swim", "had a cold")
LIMB_INJURY = frozenset(f"{w}+" for w in LIMB)
KNEE = words("knee kneecap patella")
ANKLE = words("ankle")
HAMSTRING = words("hamstring hammy buttock glute thigh rdl deadlift sit sprint sprinting bum butt")
ACHILLES = words("achilles heel tendon calf ankle tiptoe")
HOT = words("hot red warm heat burning")
BACK = words("back spine lumbar sciatica disc")
# night with pain or waking, not "sleeping through the night"
NIGHT_CTX = words("wake woke awake keep pain hurt ache aching throb")
PAIN = words("pain hurt ache aching throb throbbing agony")
STOPPED = words("stop stopped limp limping hobble hobbled pull pulled went tear tore twang grab")
SIT_BONE = words("hamstring hammy buttock glute sit")
BONE = words("bone bony malleolus kneecap knobbly knobble metatarsal navicular fibula")

NUMB_ITEMS: tuple[tuple[frozenset[str] | None, str], ...] = (
    (SADDLE, "saddle_numbness"),
    (ARMS, "widespread_neurology"),
    (words("sit seat bike"), "saddle_numbness"),
    (words("both legs @both"), "progressive_leg_weakness"),
    (INJURY, "injured_limb_cold_or_numb"),
    (None, "widespread_neurology"),
)

ALARMS: tuple[Alarm, ...] = (
    Alarm(
        seqs(
            "numb; tingle; pin needle; cant feel; no feeling; no sensation; lose sensation; "
            "lose feeling; reduce sensation; anaesthetic; anesthetic; novocaine"
        ),
        NUMB_ITEMS,
    ),
    Alarm(seqs("dead; asleep; odd; weird; strange"), ((SADDLE, "saddle_numbness"),)),
    Alarm(
        seqs(
            "pee; wee; urine; urinate; bladder; piss; incontinent; incontinence; dribble; leak; "
            "wet myself; wet pants; catheter; bowel; poo; poop; faecal; fecal; soil; accident pants"
        ),
        ((None, "bladder_or_bowel_dysfunction"),),
    ),
    Alarm(
        seqs(
            "sex; erection; impotence; impotent; orgasm; ejaculate; libido; cant get it up; "
            "cant keep it up"
        ),
        ((None, "new_sexual_dysfunction"),),
    ),
    Alarm(
        seqs("foot drop; drag; trip; slap; give out"),
        ((KNEE, "knee_giving_way"), (None, "progressive_leg_weakness")),
    ),
    Alarm(
        seqs("weak; weakness"),
        (
            (words("both @both"), "progressive_leg_weakness"),
            (words("push tiptoe toe raise"), "achilles_pop_or_gap"),
            (words("foot"), "progressive_leg_weakness"),
        ),
    ),
    Alarm(
        seqs(
            "fever; feverish; temperature; chill; shiver; rigor; night sweat; sweat night; "
            "unwell; flu; sweats"
        ),
        ((None, "fever_or_unwell"),),
    ),
    Alarm(
        seqs(
            "lose weight; weight loss; weight drop; drop weight; lose kg; lose kilo; lose pound; "
            "lose stone"
        ),
        ((None, "unexplained_weight_loss"),),
    ),
    Alarm(
        seqs(
            "cancer; tumour; tumor; chemo; chemotherapy; radiotherapy; lymphoma; leukaemia; "
            "leukemia; melanoma; malignant; oncology; oncologist"
        ),
        ((None, "cancer_history"),),
    ),
    Alarm(
        seqs("pop; snap; gap; dent; dip; kick; rupture; tear; rip"),
        (
            (ACHILLES, "achilles_pop_or_gap"),
            (HAMSTRING, "thigh_pop_with_bruising"),
            (KNEE, "rapid_knee_swelling"),
        ),
    ),
    Alarm(
        seqs("swell; swelling; balloon; puffy; fluid"),
        (
            (HOT, "hot_swollen_joint"),
            (KNEE, "rapid_knee_swelling"),
            (ANKLE, "ankle_pain_not_settling"),
            (words("calf+ shin+"), "tense_swollen_lower_leg"),
            (None, "hot_swollen_joint"),
        ),
    ),
    Alarm(
        seqs("crack"),
        (
            (words("achilles heel tendon"), "achilles_pop_or_gap"),
            (SIT_BONE, "thigh_pop_with_bruising"),
        ),
    ),
    Alarm(
        seqs("bruise; bruising"),
        (
            (SIT_BONE | words("pop snap tear rip"), "thigh_pop_with_bruising"),
            (ACHILLES, "achilles_pop_or_gap"),
        ),
    ),
    Alarm(
        seqs("lock; stuck; cant straighten; wont straighten; wont extend; cant extend; block"),
        ((KNEE, "knee_locked"),),
    ),
    Alarm(seqs("give way; unstable; buckle; wobbly"), ((KNEE, "knee_giving_way"),)),
    Alarm(seqs("cold; pale; blue; white"), ((LIMB_INJURY, "injured_limb_cold_or_numb"),)),
    Alarm(
        seqs(
            "cant walk; unable walk; cant put weight; cant bear; cant weight; cant stand; crutch; "
            "hobble; hop around; no way can put weight; no way can walk; crawl"
        ),
        (
            (INJURY | LIMB, "unable_to_bear_weight"),
            (BACK, "progressive_leg_weakness"),
            (None, "unable_to_bear_weight"),
        ),
    ),
    Alarm(
        seqs("tiptoe; tip toe; calf raise"),
        ((words("cant unable weak"), "achilles_pop_or_gap"),),
    ),
    Alarm(seqs("dislocate; pop out; slip out"), ((KNEE, "kneecap_dislocation"),)),
    Alarm(seqs("night"), ((NIGHT_CTX, "night_pain"),)),
    Alarm(seqs("same distance; same point"), ((words("shin calf leg"), "exertional_leg_pain"),)),
    Alarm(seqs("wake; woke"), ((PAIN, "night_pain"),)),
    Alarm(seqs("jelly"), ((None, "progressive_leg_weakness"),)),
    Alarm(
        seqs("weight"),
        ((words("down drop dropping fall falling scale loss lose"), "unexplained_weight_loss"),),
    ),
    Alarm(
        seqs("hamstring; hammy; thigh; limp; hobble"),
        ((STOPPED, "hamstring_injury_stopped_activity"),),
    ),
    Alarm(
        seqs("massive; huge; fat"),
        ((KNEE, "rapid_knee_swelling"), (ANKLE, "ankle_pain_not_settling")),
    ),
    Alarm(seqs("buckle; give way; from under; collapse"), ((None, "knee_giving_way"),)),
    Alarm(
        seqs("cant carry on; subbed off; sub off; stop dead"),
        ((words("hamstring hammy thigh leg"), "hamstring_injury_stopped_activity"),),
    ),
    Alarm(
        seqs("press; push; tender; touch; prod; spot"), ((BONE, "bone_tenderness_after_injury"),)
    ),
    Alarm(seqs("not better; no improvement; still; week"), ((ANKLE, "ankle_pain_not_settling"),)),
    Alarm(
        seqs("squeeze; compress; together"),
        ((words("shin leg calf tib fib ankle"), "positive_ankle_squeeze_test"),),
    ),
    Alarm(seqs("motorbike; motorcycle; horse; flatten; come off"), ((None, "major_trauma"),)),
    Alarm(
        seqs("abscess; antibiotic; infection; staph; immune system; immune; sepsis"),
        ((None, "infection_risk"),),
    ),
    Alarm(seqs("crash; collision; hit car; fell off; fall off"), ((None, "major_trauma"),)),
    Alarm(
        seqs("osteoporosis; osteopenia; steroid; prednisolone; prednisone; pred"),
        ((None, "osteoporosis_or_steroid_use"),),
    ),
    Alarm(
        seqs("immunosuppressed; immunosuppressant; biologic; methotrexate; inject drug"),
        ((None, "infection_risk"),),
    ),
)

# -- numbers (were flows/intake/numbers.py)
UNITS = MappingProxyType(
    {
        "cm": ("cm", "cms", "centimetre", "centimetres", "centimeter", "centimeters"),
        "deg": ("deg", "degs", "degree", "degrees", "°"),
        "reps": ("rep", "reps", "repetition", "repetitions", "times"),
        "N": ("n", "newton", "newtons"),
        "mm": ("mm", "millimetre", "millimetres", "millimeter", "millimeters"),
        "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms"),
        "s": ("s", "sec", "secs", "second", "seconds"),
        "in": ("inch", "inches", "ft", "foot", "feet"),
        "lb": ("lb", "lbs", "pound", "pounds"),
        "%": ("%", "percent"),
    }
)
SEX_WORDS = MappingProxyType({"female": "female", "woman": "female", "male": "male", "man": "male"})
SIDES = MappingProxyType({"left": "left", "l": "left", "right": "right", "r": "right"})
_NOT_AGE = (
    r"(?!\s*(?:cm|mm|kg|kgs|lbs?|%|°|deg|reps?|n\b|x\b|min|mins|sec|secs|s\b|km|m\b|miles?|"
    r"weeks?|days?|months?|hours?|hrs?|times|sets?|rounds?|/))"
)
AGES = (
    # "(Dave, 44)", "35F", "Now 30 with ..." (two digits, not a count of something)
    re.compile(r"\(\s*[A-Z][a-z]+\s*,\s*(\d{1,2})\s*\)"),
    re.compile(r"(?:^|[(,]\s*)(\d{2})\s?[FM](?=\s*[,.;:)/]|\s*$)"),
    re.compile(r"\bnow\s+(\d{2})\b(?![.,]\d)" + _NOT_AGE, re.I),
    # "female, 41": the first letter (each letter re.IGNORECASE folds to it) and look-behinds
    # for the word boundary and the word's first letter come first, as in "I'm 51" below
    re.compile(
        r"[fFmMwWsS\u017f](?<!\w.)(?i:(?<=f)emale|(?<=m)ale|(?<=w)oman|(?<=m)an|(?<=s)urvivor)"
        r"(?i:\s*,\s*(\d{1,2})\b(?![.,]\d)" + _NOT_AGE + ")"
    ),
    # "13 years old", "13yo", "17 y/o" (not "2 years ago")
    re.compile(r"\b(\d{1,3})\s*-?\s*(?:(?:years?|yrs?)\s*-?\s*old|y/?o|y\.o\.?)(?![a-z])", re.I),
    re.compile(r"\baged?\s*:?\s*(\d{1,3})\b" + _NOT_AGE, re.I),
    # "I'm 51": the "i" (every letter re.IGNORECASE folds to it) and a look-behind for the
    # word boundary come first, so the scan jumps from one such letter to the next (with
    # a leading \b the pattern was tried at every position; tests/test_intake_age_patterns.py)
    re.compile(
        r"[iI\u0130\u0131](?<!\w[iI\u0130\u0131])(?i:\s*['\u2019]?\s*a?m\s+(?:now\s+|only\s+|just\s+)?"
        r"(\d{1,3})\b(?![.,]\d)" + _NOT_AGE + ")"
    ),
    re.compile(r"\b[A-Z][a-z]+\s*\(\s*(\d{1,2})\s*\)"),
    re.compile(
        r"\b(?:son|daughter|kid|child|boy|girl|lad|athlete|client)\s*(?:is|who\s+is|,|aged|\()\s*"
        r"(\d{1,2})\b(?![.,]\d)" + _NOT_AGE,
        re.I,
    ),
    # a parent or coach about a young athlete: "Mia is 12 and plays netball" (a sport verb
    # after "and": "Pain is 7 and runs down my leg" is no age)
    re.compile(
        r"\b[A-Z][a-z]+\s+is\s+(\d{1,2})\s*,?\s+and\s+(?:trains|plays|competes|swims|dances|"
        r"races|climbs|skates|surfs|wrestles|fences)\b"
    ),
)

# one per pattern of AGES: a match contains one of these (lower case), so a text without
# any is not scanned with that pattern (tests/test_intake_speed.py checks each is needed)
AGE_HINTS: tuple[tuple[str, ...], ...] = (
    ("(",),
    ("F", "M"),  # "35F": a pattern that minds case, so as written
    ("now",),
    ("man", "male", "survivor"),  # "woman", "female" hold these
    ("old", "yo", "y/o", "y.o"),
    ("age",),
    (),
    ("(",),
    ("son", "daughter", "kid", "child", "boy", "girl", "lad", "athlete", "client"),
    (
        "trains",
        "plays",
        "competes",
        "swims",
        "dances",
        "races",
        "climbs",
        "skates",
        "surfs",
        "wrestles",
        "fences",
    ),
)

ENGLISH = Language(
    code="en",
    name="English",
    fillers=FILLERS,
    key_fixes=KEY_FIXES,
    clause_words=CLAUSE_WORDS,
    negations=NEGATIONS,
    post_negations=POST_NEGATIONS,
    post_not=POST_NOT,
    post_after_not=POST_AFTER_NOT,
    scope_end=SCOPE_END,
    and_words=words("and"),
    list_glue=LIST_GLUE,
    list_closers=words("or nor"),
    pseudo=PSEUDO,
    other_person=OTHER_PERSON,
    hypothetical=HYPOTHETICAL,
    worry=WORRY,
    alarms=ALARMS,
    injury=INJURY - words("hurt injure"),
    units=UNITS,
    sex_words=SEX_WORDS,
    sides=SIDES,
    side_words=words("left right"),
    ages=AGES,
    age_hints=AGE_HINTS,
    measure_glue=words("and side about around approx roughly"),
    # were flows/intake/parse.py _SORENESS, the ("leg", "day") bigram and _IDLE
    soreness=words("doms sore gassed amrap wod workout marathon rep set recover rest"),
    soreness_bigrams=frozenset({("leg", "day")}),
    idle=words("and or when whenever while if but so because since after"),
    question="Do you have {label}?",
    post_fine=words("fine normal normally ok okay stable steady good"),
    # past forms only: "it goes away when I stop" describes the complaint, "it went away" ends it
    resolved=seqs(
        "recovered; healed; went away; wore off; settled down; cleared up; back to normal; "
        "fine now; fine once; fine again; disappeared; gone now"
    ),
    question_starts=words("would does do is can could should will are what how why anyone"),
    # a denial or someone else after the question; "just asking" alone is not enough
    # ("is it normal that my bum is numb? just asking" is a report)
    asides=seqs(
        "ask for; for a friend; for my; havent have; dont have; hasnt happen; havent happen; not me"
    ),
    answer_objects=words("one any it them that those"),
    yes_words=words("yes yeah yep yup"),
    both_sides=frozenset(
        (a, b) for a in ("both", "each", "either") for b in ("side", "leg", "ankle", "knee")
    ),
    self_words=words("i me"),
    coached=words("client athlete patient player"),
    intended=MappingProxyType(
        {
            "unexplained_weight_loss": words(
                "purpose cut cutting diet dieting planned deliberately intentionally bulk bulking"
            )
        }
    ),
    inability_words=words("cant unable"),
    ability_words=words("can able"),
    ability_fine=words("fine ok okay normally easy easily well"),
    pair_screens=(
        # a knee injury: the Ottawa knee rule is asked (S41)
        (
            words("fall_or_direct_blow twisting_or_landing_injury"),
            words("knee kneecap patella"),
            "bone_tenderness_after_injury",
        ),
        # breathless, or a clot risk, with a calf: is it one calf (DVT, PE; S59)?
        (
            words(
                "breathless_or_chest_pain previous_clot oestrogen_use long_travel_or_immobilisation "
                "recent_surgery_or_plaster"
            ),
            words("calf"),
            "one_sided_calf_pain",
        ),
    ),
    soreness_blockers=words(
        "worse worsen worsening spread spreading numb tingle bladder pee bowel weaker"
    ),
)
