"""What a talking-point answer says, read from its words: the coach's reading (ARCHITECTURE.md, "The coach").

The coach does not look for fixed phrases. It reads an answer as a few plain facts, each found
from the shape of the sentence and from classes of words, not from examples:

- which **titles** it quotes (words inside quotes name their work, they are never the user's ask);
- whether it **picks out one piece** of work: a kind of work (a talk, a post) plus a title, a topic,
  a name, a venue, a year, a version or a URL; a kind alone, or a whole body of work about a broad
  field ("your work on databases"), picks out nothing;
- whether it states an **effect**: something the writer did or that changed (a subject and a verb
  of doing, a change over time, a measured difference), as opposed to a judgement of the work;
- whether a question is **anchored** in their work (a piece of it, a decision they made) and narrow
  enough for a hallway minute;
- what it **asks for**: a job, an introduction, mentoring, a meeting without an agenda.

How rare a word is in English comes from ``wordfreq``'s English list (zipf scale, read from the file
the package ships, without importing the package, which takes half a second); it is read only
when an answer needs it. Everything here is plain functions over strings; no state but that list.
"""

from __future__ import annotations

import re
from functools import lru_cache

class _Lazy:
    """A pattern compiled when first used, not when the module is imported: ``companion who``
    imports the coach, and compiling every pattern here takes tens of milliseconds (a card whose
    saved verdict still holds needs none of them)."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, *args: object) -> None:
        self._args = args
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(*self._args)  # type: ignore[call-overload]
        return getattr(compiled, name)


def _lazy(*args: object) -> re.Pattern[str]:
    return _Lazy(*args)  # type: ignore[return-value]


# --- words and titles ---------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_TITLE = _lazy(
    r'"[^"]{2,}?"'  # double quotes (curly ones are straightened first)
    r"|(?:(?<=^)|(?<=[\s(\[:,]))'(?=\S)(?:[^']|(?<=[A-Za-z])'(?=[a-z]))+?(?<=\S)'(?=$|[\s).,;:!?\]-])"  # single quotes, not apostrophes
)
TITLE_MARK = " ztitle "
"""What a quoted title becomes in the text the rules read: one word that no rule knows."""

_WORD = _lazy(r"[^\W_][\w'’]*(?:[-./+#@][^\W_]+)*[+#]?")
_SENTENCE_OR_CLAUSE = _lazy(r"[.!?;:]+(?:\s|$)|,\s+(?:and|but|so|then|which|because)\b|\s+(?:and|but|so)\s+(?=(?:i|we|it|they|our|my|the|this|that|now)\b)|\s+-+\s+|\s*\(|\)\s*", re.IGNORECASE)


def straighten(text: str) -> str:
    """Curly quotes and apostrophes as plain ones, whitespace collapsed."""
    return " ".join(text.translate(_QUOTES).split())


_NAMING_WORDS = re.compile(r"(?:called|titled|named|entitled)\W*$", re.IGNORECASE)


def _is_title(match: re.Match[str]) -> bool:
    """Whether quoted words are a title rather than scare quotes ("refer" me, my "mentor"): a title
    starts with a capital or a digit, or stands next to a kind of work ("your post 'why cron
    fails'", "the 'how we hire' talk") or a word that names it ("called", "titled")."""
    inner = match.group(0)[1:-1].strip()
    if not inner:
        return False
    if inner[0].isupper() or inner[0].isdigit():
        return True
    before = match.string[max(0, match.start() - 40):match.start()]
    after = match.string[match.end():match.end() + 30]
    before_words = words(before)[-3:]
    after_words = words(after)[:2]
    return (any(word in KINDS_OF_PIECE or word in BODIES_OF_WORK for word in before_words + after_words)
            or bool(_NAMING_WORDS.search(before.rstrip())))


def titles(text: str) -> list[str]:
    """The quoted titles in ``text`` (after :func:`straighten`)."""
    return [match.group(0)[1:-1] for match in _TITLE.finditer(text) if _is_title(match)]


def without_titles(text: str) -> str:
    """``text`` with each quoted title replaced by :data:`TITLE_MARK`, so words in a title are never
    read as the writer's own (a post called "Can I pick your brain?" is not an ask). Scare quotes
    are dropped and their words read as the writer's ("could you "refer" me")."""
    return " ".join(_TITLE.sub(lambda match: TITLE_MARK if _is_title(match) else " " + match.group(0)[1:-1] + " ", text).split())


_ELONGATED = _lazy(r"([a-z])\1{2,}")
"""Letters typed three times or more ("sooo", "soooo much") read as one."""


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, apostrophes straight ("don't", "node.js", "c++", "v2.1")."""
    return [_ELONGATED.sub(r"\1", word.replace("’", "'").lower()) for word in _WORD.findall(text)]


def clauses(text: str) -> list[str]:
    """``text`` cut into sentences and clauses ("..., and we moved ...", "... so it cut ...")."""
    return [part.strip() for part in _SENTENCE_OR_CLAUSE.split(text) if part and part.strip()]


# --- how common a word is -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def _zipf_table() -> dict[str, float]:
    """English words with their zipf frequency (3.0 and up), from wordfreq's shipped small list.

    The file is a gzipped msgpack list of buckets: bucket ``i`` holds the words of frequency
    ``10 ** (-i / 100)``, that is zipf ``9 - i / 100``. Read directly, it takes about 10 ms;
    importing wordfreq to ask it would take about 500 ms (it imports ftfy and regex)."""
    import gzip
    import importlib.util
    import os

    import msgpack  # installed with wordfreq (untyped: see pyproject.toml)

    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = os.path.join(next(iter(spec.submodule_search_locations)), "data", "small_en.msgpack.gz")
    try:
        with gzip.open(path) as handle:
            buckets = msgpack.unpackb(handle.read(), raw=False)
    except (OSError, ValueError, msgpack.ExtraData, msgpack.FormatError, msgpack.StackError):
        return {}
    table: dict[str, float] = {}
    for index, bucket in enumerate(buckets[1:]):
        for word in bucket:
            table.setdefault(word, 9 - index / 100)
    return table


def zipf(word: str) -> float:
    """How common ``word`` is in English, 0 (unknown: rare, or a name) to about 8 ("the")."""
    table = _zipf_table()
    word = word.lower().strip("'")
    if word in table:
        return table[word]
    if word.endswith("'s") and word[:-2] in table:
        return table[word[:-2]]
    for british, american in _SPELLINGS:  # "optimisation", "colour": as common as their American spelling
        if british in word:
            variant = word.replace(british, american)
            if variant in table:
                return table[variant]
    return 0.0


_SPELLINGS = (("isation", "ization"), ("ise", "ize"), ("ising", "izing"), ("ised", "ized"), ("our", "or"),
              ("yse", "yze"), ("tre", "ter"), ("ogue", "og"), ("ence", "ense"), ("lled", "led"), ("lling", "ling"))


# --- classes of words ---------------------------------------------------------------------------

FUNCTION_WORDS = frozenset("""
a an the this that these those there here it its it's itself they them their theirs he him his she her
i me my mine myself we us our ours you your yours yourself u ur ya y'all
is am are was were be been being 's 're 'm 've 'd 'll isn't wasn't aren't weren't
do does did done doing don't doesn't didn't have has had having haven't hasn't
can could will would shall should may might must can't couldn't won't wouldn't shouldn't
to of in on at by for with from about into onto over under up down out off through across after before
during since until while as than like via per vs versus re regarding around between among within without
and or but nor so yet if then because though although whether when where why how what which who whom whose
not no yes also just only very really quite pretty too so such more most much many lot lots some any all
both each every either neither few several other another own same one ones something anything everything
nothing someone anyone everyone somebody anybody everybody else even still already again ever never always
sometimes often now then way ways thing things stuff kind sort bit bits part parts etc e.g i.e
whenever wherever whatever whoever however afterwards afterward later soon ago during
lol btw imo imho tbh honestly basically literally actually definitely totally truly
""".split())

GENERIC_WORDS = frozenset("""
work works working worked job jobs career careers industry industries field fields area areas domain space
world life future past present today tomorrow day days week weeks month months year years time times
people person folks everyone team teams company companies community communities general overall topic topics
subject subjects thing things stuff content material materials resource resources info information
idea ideas insight insights knowledge lesson lessons learning learnings experience experiences tip tips
advice perspective perspectives view views opinion opinions thought thoughts mind minds eye eyes horizon horizons
approach approaches way ways method methods practice practices skill skills tech technology technologies
level levels aspect aspects side sides matter matters problem problems issue issues question questions
answer answers lot lots amount bunch ton tons plenty heaps loads deal
good great nice best better well awesome amazing
online internet web site sites page pages platform platforms social media
stuff everything anything something nothing
""".split())
"""Nouns (and a few words) too general to pick anything out: "your work on the future of tech"."""

PLATFORMS = frozenset("""
fediverse udemy coursera egghead pluralsight skillshare edx frontendmasters observable codepen replit
youtube github gitlab twitter x medium substack linkedin mastodon bluesky twitch tiktok instagram facebook
reddit discord slack hackernews hn dev.to devto hashnode wordpress blogspot tumblr spotify soundcloud
stackoverflow kaggle huggingface figma dribbble behance notion patreon itch.io itch
""".split())
"""Where work is published: naming the platform does not say which piece."""

FIELDS_OF_WORK = frozenset("""
frontend front-end backend back-end fullstack full-stack devops devsecops sre infra infrastructure ops
security infosec appsec cybersecurity privacy crypto cryptography blockchain web3 ai ml llm llms genai nlp
data analytics databases database sql nosql cloud kubernetes k8s containers serverless microservices
mobile android ios web javascript js typescript python rust go golang java c++ c# kotlin swift ruby php
design ux ui ux/ui product accessibility a11y testing qa performance observability monitoring networking
embedded hardware electronics firmware iot robotics gamedev games research science statistics math maths
docs documentation writing community diversity leadership management engineering programming coding
software development open-source opensource oss startups marketing growth career careers hiring
""".split())
"""Whole fields: a topic this broad does not pick out a piece ("your posts about frontend")."""

EVALUATIVE = frozenset("""
great good nice cool awesome amazing incredible fantastic wonderful brilliant excellent outstanding superb
stellar terrific fabulous phenomenal spectacular remarkable impressive inspiring inspirational inspired
insightful informative helpful useful valuable practical handy clear concise thorough detailed comprehensive
thoughtful well-written well-made well-done well-explained well-researched well-thought-out rigorous solid
accessible readable engaging entertaining fun funny enjoyable interesting fascinating captivating compelling
eye-opening mind-blowing life-changing game-changing groundbreaking revolutionary innovative creative elegant
beautiful lovely neat sweet perfect ideal top top-notch first-class world-class best better favorite favourite
classic legendary iconic famous popular underrated overrated essential invaluable indispensable important
relevant timely fresh deep profound smart clever genius masterful polished professional educational educative
enlightening illuminating motivating motivational encouraging empowering refreshing approachable digestible
usefull helpfull intresting interessting amazin awsome grat gr8 lifesaver life-saver gem goldmine gold treasure
must-read must-watch masterpiece masterclass gamechanger game-changer
so very really super extremely incredibly truly highly hugely immensely tremendously massively deeply
absolutely totally completely utterly quite pretty rather fairly kinda sorta bit lot lots much many
""".split())
"""Words that judge (or amplify a judgement): what a "how" says when it states no effect."""

# Verbs that report a feeling or an opinion about the work, never an effect of it.
_FEELING_VERBS = frozenset("""
love loved loves loving like liked likes enjoy enjoyed enjoys appreciate appreciated appreciates admire
admired admires adore adored respect respected value valued cherish cherished thank thanked thanks
feel felt feels think thought thinks believe believed believes consider considered guess guessed
say said says mean meant find found finds seem seemed seems look looked looks sound sounded sounds
resonate resonated resonates impress impressed impresses amaze amazed amazes inspire inspired inspires
fascinate fascinated interest interested excite excited blow blew blown wow wowed stun stunned
recommend recommended recommends rate rated rave raved praise praised follow followed follows
read reads watch watched watches listen listened listens see saw seen hear heard bookmark bookmarked
remember remembered keep kept return returned revisit revisited reread rewatch rewatched quote quoted
cite cited mention mentioned send sent recommend recommended devour devoured need needed want wanted wish
wished hope hoped expect expected miss missed owe owed carry carried stick stuck click clicked resonated
agree agreed agrees disagree disagreed argue argued bet reckon reckoned suppose supposed admit admitted
become became becomes remain remained remains stay stayed stays be is am are was were been being
""".split())
# Verbs that are an effect only with a specific object: "I learned how to shard" but not "I learned a lot".
_CONDITIONAL_VERBS = frozenset("""
learn learned learnt learns understand understood understands realise realised realize realized know knew
get got gets give gave gives gives make made makes help helped helps teach taught teaches show showed shown
change changed changes open opened opens improve improved improves motivate motivated motivates
encourage encouraged push pushed boost boosted spark sparked grow grew shape shaped influence influenced
affect affected impact impacted transform transformed inform informed guide guided clarify clarified
rethink rethought reconsider reconsidered question questioned
use used uses try tried tries share shared shares apply applied applies find found finds
""".split())

_IRREGULAR_PAST = frozenset("""
began became brought built bought caught chose came cut dealt did drew drove ate fell fed fought found
fled flew forgot froze got gave went grew hung had heard hid hit held hurt kept knew laid led left lent
let lay lost made meant met paid put quit read rode rang rose ran said saw sought sold sent set shook shot
shut sang sank sat slept slid spoke spent spun split spread sprang stood stole stuck struck swore swept
swam took taught tore told thought threw understood woke wore won wrote rewrote rebuilt rethought rerun
reran overtook undertook withdrew upheld shrank shrunk sped dug fit wound bound ground sped saved
""".split())

_SUBJECTS = frozenset("i we they it this that which he she everyone everybody nobody".split())
_PRONOUNS = _SUBJECTS | frozenset("i've we've i'd we'd i'll we'll i'm we're they've they're it's that's you "
                                  "you've you're me us him them my our your".split())
_POSSESSIVES = frozenset("my our their the its his her".split())
_AUXILIARIES = frozenset("""
have has had 've 'd did do does can could will would 'll shall should may might must now finally just also
then even still already actually really immediately quickly eventually soon later again instantly literally
basically totally completely all both since never no longer to not n't managed started began decided went
ended up got able gonna wanna honestly personally first
""".split())

_QUANTITY = _lazy(
    r"\b(?:saved|saves|cost|took|takes|cut|shaved|spared) (?:me|us|the team|our team|them)? ?(?:a|an|one|two|three|several|hours|days|weeks) ?"
    r"(?:hours?|days?|weeks?|weekend|afternoon|evening|sprint|months?|morning)\b|\b\d+(?:[.,]\d+)?\s*(?:%|x\b|×|percent|ms|s\b|sec|secs|seconds?|min|mins|minutes?|h\b|hrs?|hours?|"
    r"days?|weeks?|months?|years?|k\b|kb|mb|gb|tb|\$|usd|eur|dollars?|euros?|pounds?|points?|lines?|"
    r"people|users|engineers|members|tickets|bugs|pages|services|steps|times?)"
    r"|[$€£]\s*\d|\b(?:half|twice|double|triple|a third|a quarter|a fifth|a tenth|\d+x)\b"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty|fifty|a hundred|hundreds of|"
    r"a few|a couple of)\s+(?:ms|seconds?|minutes?|hours?|days?|weeks?|months?|people|users|engineers|bugs|tickets|services|steps|times)\b"
)
_NUMBER = _lazy(r"\d")


# --- picking out one piece of work --------------------------------------------------------------

KINDS_OF_PIECE = frozenset("""
post blogpost article essay piece column op-ed talk keynote presentation lecture session workshop tutorial
guide walkthrough write-up writeup explainer paper preprint thesis dissertation book chapter section appendix
video episode stream livestream screencast thread tweet toot answer comment reply pr patch commit issue rfc
pep proposal spec specification release changelog readme notebook gist demo benchmark study survey report
case analysis review poster slide deck slides library package tool plugin extension crate gem module
framework cli app script template checklist cheatsheet cheat-sheet diagram map dataset course lesson exercise
kata panel ama interview podcast-episode snippet recipe example proof theorem model prototype component font
typeface visualisation visualization dashboard infographic zine comic game mod board pattern rule
config setup playbook runbook postmortem post-mortem retro retrospective manual handbook wiki doc page primer
series newsletter-issue letter memo note gallery project repo repository toolkit kit sdk api plugin lib
program programme initiative campaign event hackathon sprint jam bootcamp webinar meetup-talk
""".split())
"""Kinds of work that come one at a time: "your talk on X" picks out one piece."""

BODIES_OF_WORK = frozenset("""
work works stuff content things writing writings research contributions contribution output efforts effort
podcast podcasts blog blogs channel channels newsletter newsletters feed account profile portfolio
code projects posts talks videos papers articles books tweets threads repos repositories libraries tools
tutorials courses classes lectures episodes streams essays notes slides docs documentation teaching
advocacy activism leadership mentoring community organising organizing meetups meetup events conferences
everything all career open-source opensource oss body
""".split())
"""A whole body of work: "your blog", "your posts", "your work on databases" pick out one piece only
with a narrow topic."""

_TOPIC_LEADS = frozenset("on about regarding re covering into of for with where when which that who explaining "
                         "comparing showing describing introducing called titled named at in from".split())
_TEMPORAL = frozenset("""
recent latest last newest new old older first previous earlier early current whole entire other some many
several various few numerous countless multiple every each all most own public online famous popular
""".split())


def _content(word: str) -> bool:
    return (len(word) > 1 and word not in FUNCTION_WORDS and word not in GENERIC_WORDS
            and word not in EVALUATIVE and word not in _TEMPORAL)


def _capitalised_names(original: str) -> list[str]:
    """Words written with a capital where a sentence would not start: names of projects, venues,
    people ("PyCon", "Postgres", "Diataxis"), unless nearly every word is capitalised (Title Case)."""
    tokens = re.findall(r"[A-Za-z][\w'.+#-]*", original)
    if not tokens:
        return []
    capitalised = [t for t in tokens if t[0].isupper()]
    if len(tokens) >= 4 and len(capitalised) >= 0.7 * len(tokens):
        return []
    names = []
    sentence_start = True
    for raw_token in re.finditer(r"[A-Za-z][\w'.+#-]*|[.!?:;]", original):
        token = raw_token.group(0)
        if token in ".!?:;":
            sentence_start = True
            continue
        if (not sentence_start and token[0].isupper() and token not in ("I", "I'm", "I've", "I'd", "I'll")
                and token.lower() not in PLATFORMS and token.lower() not in _NAME_LIKE_COMMON):
            names.append(token)
        sentence_start = False
    return names


_NAME_LIKE_COMMON = frozenset("""
english spanish french german monday tuesday wednesday thursday friday saturday sunday january february
march april may june july august september october november december internet web ai ml ux ui
""".split())


_LINK_MARK = _lazy(r"https?://|www\.|\b[\w-]+\.(?:com|org|io|dev|net|ai|app|co|me|blog)\b|#\d|@\w|\bv\d", re.IGNORECASE)
"""A URL, a domain, an issue number, a handle or a version: each picks out one thing."""


def _code_like(text: str) -> bool:
    """A name from code: lowerCamelCase, snake_case, dotted.names, calls() (not GitHub or YouTube)."""
    return any(re.search(r"^[a-z]+[A-Z]|_|\w\.\w|\(\)", token) and token.lower() not in PLATFORMS for token in text.split())


def identifies(original: str, topic_words: list[str]) -> bool:
    """Whether ``original`` (with ``topic_words``, its words that describe the work) picks out one
    piece: a quoted title, a URL, a number (year, version, episode), an identifier, a name, or a
    narrow topic."""
    if TITLE_MARK.strip() in topic_words or titles(original):
        return True
    if _LINK_MARK.search(original):
        return True
    if _NUMBER.search(original):
        return True
    if _code_like(original):
        return True  # camelCase, snake_case, dotted.names, calls()
    if _capitalised_names(original):
        return True
    return narrow(topic_words)


def narrow(topic_words: list[str]) -> bool:
    """Whether words describing a topic name a narrow one: enough rare words, or one very rare
    ("lockfiles", "backpressure"), rather than a field ("databases", "machine learning")."""
    content = [word for word in topic_words if _content(word) and word not in PLATFORMS and word not in FIELDS_OF_WORK]
    if not content:
        return False
    rarity = [max(0.0, 6.0 - zipf(word)) for word in content]
    return max(rarity) >= 4.5 or sum(rarity) >= 5.0 or (len(content) >= 3 and sum(rarity) >= 3.5)


_AUTHORSHIP = _lazy(
    r"\b(?:you|u|they|he|she|you've|you'd)(?: \w+ly)? (?:have |had |'ve )?(?:wrote|written|write|gave|given|give|did|done|do|made|make|"
    r"posted|post|published|publish|shared|share|put out|put up|recorded|record|guested|presented|present|hosted|host|"
    r"released|release|created|create|built|build|ran|run|organi[sz]e\w*|teach|taught|maintain\w*|contribut\w*|"
    r"produce\w*|uploaded|upload|do|did|keep|kept|send|sent|worked|work)(?: (?:on|out|up|in|at|for|over|to))?\b"
    r"|\b(?:over|across|through(?:out)?) the (?:years|past \w+ years|last \w+ years)\b|\b(?:a while|some time|ages|years|months|long) (?:back|ago)\b"
    r"|\b(?:of|by) (?:yours|you|hers|his|theirs)\b|\b(?:on|in|at) (?:the )?(?:internet|web|online)\b|\bin general\b|\bhonestly\b"
)
"""Words that say who made the work or when, not which piece it is ("the talk you gave", "over the years")."""
_GENERIC_MODIFIERS = frozenset("""
conference meetup event online live recorded virtual in-person youtube twitter podcast blog video written
recent latest last newest new old older first previous earlier early current whole entire other some many
several various few numerous countless multiple every each all most own public famous popular yesterday today
tonight lately recently ago back while earlier before amazing great awesome
""".split())


def picks_out_a_piece(text: str) -> bool:
    """The work check: a kind of work with what picks out one piece of it ("your talk at PyCon 2023",
    "your post on lockfiles", a title, a URL), or a description narrow enough to name one without
    the kind ("the pizza analogy for consistent hashing"). A whole body of work ("your posts", "your
    blog", "your Go tutorials", "your work on databases") needs a narrow topic: neither a platform,
    nor a field, nor a name alone picks one piece out of it."""
    original = straighten(text)
    if titles(original):
        return True
    span = " ".join(_describing_span(without_titles(original)))
    if _LINK_MARK.search(span):
        return True
    span = _AUTHORSHIP.sub(" ", span)
    tokens = words(span)
    if not tokens:
        return False
    if re.search(r"\d", re.sub(r"\b\d+\s*(?:years?|months?|weeks?|days?)\b", "", span)):
        return True  # a year, a version, an episode or part number
    if _code_like(span):
        return True  # camelCase, snake_case, dotted.names, calls()
    kinds = [i for i, word in enumerate(tokens) if (word in KINDS_OF_PIECE or word in BODIES_OF_WORK
                                                   or (word.endswith("s") and word[:-1] in KINDS_OF_PIECE))
             and not (i and tokens[i - 1] in ("you", "u", "i", "we", "they"))]  # "the things you post": a verb
    kinds = [i for i in kinds if not any(0 < j - i <= 2 and all(_content(t) and t not in _TOPIC_LEADS for t in tokens[i + 1:j])
                                         for j in kinds)]  # "game design talks": "game" describes the talks
    head = _head_after_possessive(tokens)
    if head is not None and head not in kinds:
        kinds.append(head)  # "your zines", "your devlogs": what follows "your" is the kind of work
    kind_words = {tokens[i] for i in kinds}
    singular = any(tokens[i] in KINDS_OF_PIECE and tokens[i] not in BODIES_OF_WORK for i in kinds) or (
        head is not None and tokens[head] not in BODIES_OF_WORK and tokens[head] not in PLATFORMS
        and not tokens[head].endswith("s") and _content(tokens[head]))  # "your comparison of Raft and Paxos"
    describing = [word for i, word in enumerate(tokens) if i not in kinds and word not in _FEELING_VERBS
                  and word not in _GENERIC_MODIFIERS and word not in kind_words]
    names = [name for name in _capitalised_names(span) if name.lower() not in kind_words]
    if singular:
        # One talk, one post: a name, a venue or any topic beside it is enough ("your talk on testing").
        return bool(names) or any(_content(word) and word not in PLATFORMS and word not in KINDS_OF_PIECE
                                  for word in describing)
    if not kinds:
        # No kind of work named: a description that is narrow by itself ("the pizza analogy for
        # consistent hashing", "pgbouncer transaction pooling").
        return narrow(describing) or (bool(names) and len([w for w in describing if _content(w)]) >= 2)
    # A body of work: only a narrow topic picks a piece out of it; a modifier ("your Go tutorials"),
    # a platform or a venue's name does not.
    topic = _topic_after_kind(tokens, kinds)
    return narrow(topic) and not all(word in FIELDS_OF_WORK or not _content(word) or word in _names_lower(names)
                                      for word in topic)


def _names_lower(names: list[str]) -> set[str]:
    return {name.lower() for name in names}


def _head_after_possessive(tokens: list[str]) -> int | None:
    """The noun after "your"/"ur" and its modifiers, up to a preposition: "your PCB designs" -> designs."""
    for i, word in enumerate(tokens):
        if word in ("your", "ur", "yours"):
            j = i + 1
            last = None
            while j < len(tokens) and tokens[j] not in _TOPIC_LEADS and tokens[j] not in FUNCTION_WORDS:
                last = j
                j += 1
            return last
    return None


def _topic_after_kind(tokens: list[str], kinds: list[int]) -> list[str]:
    """The words after a topic word ("on", "about", "where"...) that follows the kind of work."""
    start = max(kinds)
    for i in range(min(kinds), len(tokens)):
        if tokens[i] in ("on", "about", "regarding", "re", "covering", "into", "of", "to", "where", "explaining", "comparing",
                         "showing", "describing", "introducing", "called", "titled", "named", "when", "which", "how", "why"):
            start = i
            break
    else:
        return []
    return [word for word in tokens[start + 1:] if word not in PLATFORMS]


def _describing_span(original: str) -> list[str]:
    """The clauses of ``original`` that describe the work, not the writer ("I read some of it...")."""
    parts = clauses(original)
    kept = [parts[0]] if parts else []
    for part in parts[1:]:
        first = words(part)[:1]
        if first and first[0] in ("i", "i'm", "i've", "we", "we've", "honestly", "they", "it", "it's", "which", "so"):
            continue
        kept.append(part)
    # Within a clause, what follows "I"/"we" after the work is about the writer ("a post of yours I read").
    if kept:
        tokens = kept[0].split()
        for i, token in enumerate(tokens[1:], 1):
            if token.lower() in ("i", "i've", "i'd", "we", "we've") and i > 1:
                kept[0] = " ".join(tokens[:i])
                break
    return kept


# --- stating an effect --------------------------------------------------------------------------

ABSTRACT = frozenset("""
me myself us ourselves i you it this that them everyone everybody someone somebody anyone people person
folks colleagues coworkers co-workers friends friend peers peer others everyone's readers audience
engineer engineers developer developers dev devs designer designers writer writers researcher researchers
scientist scientists analyst analysts professional professionals manager managers leader leaders student
students beginner beginners junior juniors senior seniors human humans self version
thinking thought thoughts mind minds head heads heart brain understanding perspective perspectives view
views outlook mindset attitude approach way ways sense clarity confidence courage motivation inspiration
energy kick push boost nudge spark idea ideas insight insights knowledge lesson lessons skill skills career
path paths journey growth level levels life lives week weeks day days month months year years time times
moment moments sitting room hall while value lot lots ton tons bunch angle field fields craft work job
practice things thing stuff something everything nothing anything world words word language vocabulary
light eyes eye horizons horizon feeling feelings hope curiosity passion interest excitement joy fun
respect appreciation gratitude opinion opinions belief beliefs intuition instinct instincts gut imagination
foundation foundations basics fundamentals grasp picture handle glimpse taste sense model models framework
frameworks lens lenses toolkit toolbox arsenal muscle muscles habit habits reference go-to favourite favorite
""".split())
ABSTRACT = ABSTRACT | frozenset("going coming doing being having getting thinking feeling looking trying reading "
                                "learning watching listening stop start end rest refresher reminder back away "
                                "forward around together apart ahead again big huge massive tiny little full deal "
                                "clearer better easier simpler nicer smarter stronger wiser sharper deeper bigger "
                                "thanks ton tons".split())
"""Nouns for the writer, people, thoughts and feelings, time: what a judgement changes ("made me a
better engineer", "gave me a new perspective"); an effect changes something in the writer's work."""

_CHANGE_VERBS = frozenset("""
stop stopped stops start started starts switch switched switches move moved moves migrate migrated
replace replaced drop dropped cut cuts fall fell rise rose shrink shrank grow grew halve halved double doubled
disappear disappeared vanish vanished reduce reduced increase increased decrease decreased improve improved
fix fixed break broke ship shipped launch launched adopt adopted remove removed delete deleted add added
rewrite rewrote rebuild rebuilt build built write wrote deploy deployed automate automated refactor refactored
standardise standardised standardize standardized introduce introduced set setup configure configured tune
tuned split merge merged rename renamed publish published file filed submit submitted run ran test tested
benchmark benchmarked measure measured catch caught find found avoid avoided prevent prevented save saved
shorten shortened speed sped simplify simplified retire retired deprecate deprecated pass passed win won
get got become became land landed close closed open opened hire hired train trained teach taught apply applied
use used try tried swap swapped convert converted port ported translate translated redesign redesigned
reorganise reorganised reorganize reorganized restructure restructured replace rolled roll
""".split())
_COMPARATIVE = _lazy(r"\b(?:\w+er|less|fewer|more \w+|no longer \w+|quieter|calmer|shorter|faster|smaller|cheaper|"
                          r"simpler|safer|easier|lighter|cleaner|clearer|better|worse)\b")
_PARTICLES = frozenset("up out off down away back".split())
_SKIP_IN_PHRASE = frozenset("""
the a an our my your their his her its all every each some most both this that these those whole entire
own new old same other more less few several many much so very really quite pretty just even also only
""".split())


def _concrete(word: str) -> bool:
    """A word for a thing in the writer's work (our CI, the runbook, a reset pin), not a feeling,
    a person, a thought or a time."""
    return (len(word) > 1 and word not in FUNCTION_WORDS and word not in ABSTRACT and word not in GENERIC_WORDS
            and word not in EVALUATIVE and word not in _FEELING_VERBS and word not in _PRONOUNS
            and not word.endswith(("ly", "ness", "hood")) and not word.isdigit())


def _phrase(tokens: list[str], start: int) -> list[str]:
    """The noun phrase starting at ``start``: determiners and adjectives skipped, up to a
    preposition, a conjunction or six words."""
    phrase = []
    for word in tokens[start:start + 8]:
        if word in ("to", "for", "with", "in", "on", "at", "of", "from", "into", "by", "about", "and", "or", "but",
                    "when", "while", "because", "since", "as", "so", "than", "like", "after", "before", "until",
                    "who", "which", "that", "where", "whom", "whose", "during", "across", "through", "without"):
            break
        if word in _SKIP_IN_PHRASE or word in EVALUATIVE:
            continue
        phrase.append(word)
    return phrase


def _concrete_phrase(phrase: list[str]) -> bool:
    """Whether a noun phrase names a thing ("our own login flow", "the low rank trick"), not "a
    better engineer" or "big time": one of its first words is concrete."""
    return any(_concrete(word) for word in phrase[:4])


def _verb_effect(tokens: list[str], index: int, subject: list[str], depth: int = 0) -> bool:
    """Whether the verb at ``index`` (with ``subject`` before it) states an effect: a verb of doing
    with a concrete object ("rewrote our CONTRIBUTING.md"), a concrete subject that changed ("the
    connection errors stopped"), or what someone was made to do ("made me rethink our on-call")."""
    verb = tokens[index]
    if verb in _FEELING_VERBS and verb not in _CHANGE_VERBS:
        return False
    j = index + 1
    while j < len(tokens) and (tokens[j] in _PARTICLES or tokens[j].endswith("ly")):
        j += 1
    rest = tokens[j:]
    if rest[:1] and rest[0] in ("me", "us", "them", "it", "this", "that", "everyone", "people", "him", "her"):
        k = j + 1
        if verb in _CAUSATIVES and depth < 2:
            # "made me rethink our on-call", "got us to switch", "helped me debug X": what they went on to do.
            while k < len(tokens) and tokens[k] in ("to", "finally", "actually", "really", "just", "also"):
                k += 1
            if k < len(tokens) and _could_be_verb(tokens[k]):
                return _verb_effect(tokens, k, [], depth + 1)
            return _concrete_phrase(_phrase(tokens, k))  # "made me a better engineer": no
        if rest[0] in ("it", "this", "that", "them") and verb in _CHANGE_VERBS and verb not in _CONDITIONAL_VERBS \
                and verb not in _FEELING_VERBS:
            return True  # "fixed them", "restructured it the way you did"
        # "used it on our STM32 board": where it was done; "quote it to colleagues": not a thing in their work.
        following = [w for w in tokens[k:k + 8] if w not in ("to", "on", "in", "for", "across", "at", "into", "with")]
        return verb not in _FEELING_VERBS and rest[0] != "me" and _concrete_phrase(_phrase(following, 0))
    obj = _phrase(tokens, j)
    if verb in _CAUSATIVES and depth < 2 and rest[:1] and rest[0] in ("my", "our", "the", "your"):
        # "convinced my team to write ADRs": what the object was got to do.
        for k in range(j + 1, min(j + 5, len(tokens) - 1)):
            if tokens[k] == "to" and _could_be_verb(tokens[k + 1]):
                return _verb_effect(tokens, k + 1, [], depth + 1)
    if _concrete_phrase(obj):
        return verb not in _FEELING_VERBS or verb in _CHANGE_VERBS
    if verb in _CHANGE_VERBS and _concrete_phrase(subject):
        return True  # "the double runs stopped", "setup tickets dropped"
    # "we stopped publishing dated roadmaps": a verb of change followed by what was changed, doing-words included.
    if verb in _CHANGE_VERBS and rest[:1] and rest[0].endswith("ing") and len(rest) > 1:
        return _verb_effect(tokens, j, subject, depth + 1) if depth < 2 else False
    return False


_CAUSATIVES = frozenset("""
make made makes let lets help helped helps get got gets push pushed pushes inspire inspired inspires encourage
encouraged convince convinced lead led allow allowed enable enabled force forced prompt prompted teach taught
show showed motivate motivated drive drove nudge nudged
""".split())


def _could_be_verb(word: str) -> bool:
    """After "made me", "helped us": a verb unless it is plainly not ("a", "better", "happy")."""
    return not (word in FUNCTION_WORDS or word in _SKIP_IN_PHRASE or word in EVALUATIVE or word in ABSTRACT
                or word in GENERIC_WORDS or (word.endswith(("er", "est")) and word not in _CHANGE_VERBS))


_COPULAS = frozenset("is are was were be been 's 're got became become gets get feels felt seems seemed".split())
_NEGATIONS = frozenset("never not n't didn't don't doesn't haven't hasn't won't wouldn't couldn't can't no".split())


def _participle(word: str) -> bool:
    return word in _IRREGULAR_PAST or (len(word) > 4 and word.endswith(("ed", "en"))) or word in _CHANGE_VERBS


def _clause_effect(tokens: list[str]) -> bool:
    """One clause: each verb that follows a subject (or starts the clause, as in "switched our CI
    to ..."), read with its object (see :func:`_verb_effect`)."""
    for index, word in enumerate(tokens):
        if word in _COPULAS:
            subject = _subject_words(tokens, index)
            if subject and _concrete_phrase(subject) and _COMPARATIVE.search(" ".join(tokens[index + 1:index + 4])):
                return True  # "onboarding got a week shorter", "on-call is much calmer"
            continue
        if index and tokens[index - 1] in _NEGATIONS or index > 1 and tokens[index - 2] in _NEGATIONS:
            continue  # "we never shipped it"
        if word in ("have", "has") and index + 1 < len(tokens) and tokens[index + 1] in _SKIP_IN_PHRASE:
            if _subject_words(tokens, index) is not None and _concrete_phrase(_phrase(tokens, index + 1)):
                return True  # "we have an accessibility checklist in every PR"
            continue
        if word in _PRONOUNS or word in _AUXILIARIES or word in FUNCTION_WORDS and word not in ("did", "made", "got", "let"):
            continue
        if word in EVALUATIVE or word in GENERIC_WORDS or word in ABSTRACT or word.endswith("ly"):
            continue
        if index and tokens[index - 1] in ("was", "were", "is", "are", "been", "got", "be") and _participle(word) \
                and word not in _FEELING_VERBS and any(_concrete(t) and t not in KINDS_OF_PIECE and t not in BODIES_OF_WORK
                                                  for t in tokens[max(0, index - 7):index - 1]):
            return True  # passive: "my thesis chapter on sampling was rewritten", "the docs were reorganised"
        if index == 1 and tokens[0] in ("was", "were", "got", "is", "became") and _participle(word) and word not in _FEELING_VERBS \
                and (word in _CHANGE_VERBS or {"our", "my", "we", "us"} & set(tokens[index + 1:index + 9])) \
                and _concrete_phrase(_phrase([t for t in tokens[index + 1:index + 9] if t not in ("as", "by", "for", "to", "in", "on", "at", "across", "into")], 0)):
            return True  # the work as the subject left unsaid: "was adopted as required reading for all new hires"
        subject = _subject_words(tokens, index)
        at_start = index == 0 or all(t in _AUXILIARIES or t.endswith("ly") or t in ("and", "then", "so", "also")
                                     for t in tokens[:index])
        if subject is None and not (at_start and _verb_like(word)):
            continue
        if _verb_effect(tokens, index, subject or []):
            return True
    return False


def _subject_words(tokens: list[str], index: int) -> list[str] | None:
    """The subject before ``index`` ("we", "our team", "the bundle", "new hires"), skipping auxiliaries
    and adverbs; ``None`` when the words before are not a subject."""
    j = index - 1
    while j >= 0 and (tokens[j] in _AUXILIARIES or tokens[j].endswith("ly") or tokens[j] in _COPULAS) \
            and tokens[j] not in _SUBJECTS and tokens[j] != "to":
        j -= 1
    if j < 0:
        return None
    if tokens[j] in _SUBJECTS or tokens[j] in ("i've", "we've", "i'd", "we'd", "i'll", "we'll", "they've"):
        if tokens[j] in ("it", "this", "that", "them") and j > 0 and _verb_like(tokens[j - 1]):
            return None  # "quote it to ...": "it" is an object here
        return [tokens[j]]
    for back in range(1, 4):  # "our team", "the double runs", "support tickets about auth"
        k = j - back + 1
        if k < 0:
            break
        if all(_nounish(t) for t in tokens[k:j + 1]) and (k == 0 or tokens[k - 1] in _POSSESSIVES | {"and", "so", "then", "now"}):
            return tokens[k:j + 1]
    return None


def _nounish(word: str) -> bool:
    return word not in FUNCTION_WORDS and word not in _AUXILIARIES and not _verb_like(word) and word not in EVALUATIVE


def _verb_like(word: str) -> bool:
    return (word in _IRREGULAR_PAST or (len(word) > 4 and word.endswith("ed")) or word in _CONDITIONAL_VERBS
            or word in _FEELING_VERBS or word in _CHANGE_VERBS)


def states_an_effect(text: str) -> bool:
    """The "how" check: something the writer did or that changed in their work (a verb of doing with
    a concrete object, a measured difference, a change over time), not only a judgement of the work
    or of what it did for them as a person ("made me a better engineer")."""
    lowered = without_titles(straighten(text)).lower()
    if _QUANTITY.search(lowered):
        return True
    for part in [bit for clause in clauses(lowered) for bit in re.split(r",\s*", clause)]:
        tokens = words(part)
        if re.search(r"\b(?:no longer|anymore|any more|instead of|rather than|for the first time|now)\b", part) \
                and any(_concrete(word) for word in tokens):
            return True
        if _clause_effect(tokens):
            return True
    return False


# --- what an answer asks for --------------------------------------------------------------------

_YOUR_SIDE = r"(?:you|your|ur|you guys|y'all|your (?:team|company|org|organi[sz]ation|lab|group|side|startup|employer|department|shop|place))"

_REQUEST = _lazy(
    r"\?|\b(?:could|can|would|will|might|may|shall|should)(?:n't)? (?:you|u|we|i)\b|\b(?:i|we|you|u)(?:'d|'ll| could| can| would| will| might| may| should)\b"
    r"|\b(?:possible|feasible|chance|possibility|opportunity|willing|open to|comfortable|consider|mind|keen|up for|game for)\b"
    r"|\b(?:love|appreciate|welcome|grateful|thankful|glad|happy|happily|honou?red|delighted|thrilled|great|nice|cool|ideal|amazing|incredible|wonderful)\b(?: (?:to|if|for)\b)?"
    r"|\b(?:'d|would|should) like\b|\blike to\b|\bwould (?:be|mean)\b|\bmean (?:a lot|the world|so much)\b|\bjump at\b"
    r"|\b(?:want|wish|hope|hoping|need|wondering|wonder|looking for|seeking|searching for|in search of|asking|ask|kindly)\b|\blet me know\b"
    r"|\b(?:ping|call|text|dm|message|email) me\b|\bhit me up\b|\bdrop me a (?:line|note)\b|\bgive me a (?:shout|call|ping)\b|\b(?:anytime|any time)\b|\blet'?s\b|\blets\b"
    r"|\b(?:maybe|perhaps|please|pls|plz)\b|\bif (?:you|u|there)\b|\bkeep me in mind\b|\bhow about\b|\bwhat about\b|\bwhy don'?t we\b"
    r"|\bin (?:exchange|return)\b|\b(?:sometime|some time|at some point|whenever|one day|someday|one of these days)\b"
)
"""Words that make an answer ask for something (a question mark does too). Broad on purpose: what
is asked for (a job, an introduction...) is read from the words around it, with the writer as the
one who would get it."""

_ME = r"(?:me|us|myself|my|mine|i|i'm|i'd|i've|we|our)"
_INTRO_AS_PART = r"(?:round|section|video|course|slides?|talk|session|chapter|music|paragraph|part|email template)"
"""An intro that is part of something ("the intro round"), not an introduction to a person."""
_JOB = (r"(?:jobs?|roles?|positions?|openings?|vacanc(?:y|ies)|internships?|apprenticeships?|placements?|gigs?|"
        r"contracts?|contractor spots?|residenc(?:y|ies)|fellowships?|headcount|reqs?|spots?|seats?|phd (?:spots?|positions?)|"
        r"postdocs?|work|employment|interviews?|offers?)")
_ASKS_JOB = _lazy(
    # Asked to act for the writer: refer, recommend, vouch, hire, interview, take on...
    rf"\b(?:keep|kept|keeping) (?:me|us) in mind\b|\b(?:anything|something|a (?:role|spot|position|seat|place)) (?:\w+ )?(?:opens?|opening|comes?|coming|frees?) up\b"
    rf"|\b(?:any|open|available|free|vacant) (?:\w+ )?(?:jobs?|roles?|positions?|openings?|vacanc(?:y|ies)|internships?|placements?|spots?|seats?|headcount)\b"
    rf"|\b(?:jobs?|roles?|positions?|openings?|internships?|spots?|seats?) (?:open|available|going|free)\b"
    rf"|\bchance of (?:a |an |any )?(?:\w+ )?(?:internship|job|role|position|placement|interview|opening)\b"
    rf"|\btak(?:e|ing) (?:me|us) on as (?:a |an )?(?:\w+ )?(?:intern|junior|apprentice|hire|employee|contractor|student|\w+er)\b"
    rf"|\b(?:refer\w*|recommend\w*|mention\w*|vouch\w* for|endors\w*|hir(?:e|ing)|employ\w*|recruit\w*|interview\w*|sponsor\w*|consider\w*|tak(?:e|ing) on|onboard\w*|bring\w* on|fast[- ]track\w*) (?:me|us|myself)\b"
    rf"(?! (?:a |an |some |the |to )?(?:books?|tools?|resources?|courses?|papers?|posts?|reading|blogs?|talks?|to (?:your|the) (?:docs|book)))"
    rf"|\b(?:my|our) (?:cv|c\.v\.|resume|résumé|r[eé]sum[eé]|application|candidacy|name|profile|portfolio|linkedin)\b(?=.*\b(?:forward|pass|send|share|hand|give|put|mention|submit|recruit\w*|hiring|hr|team|role|job|position|opening|spot|consider|review|look)\b)"
    rf"|\b(?:put|pass|send|forward|give|mention|submit|hand)\w* (?:over |along |on |across )?(?:you |u )?(?:my|our) (?:name|cv|resume|résumé|application|profile)\b"
    rf"|\b{_JOB} (?:for (?:me|us|someone like me)|i could|i can|i might|i'd)\b"
    rf"|\b(?:space|room|budget|headcount|a spot|a place) for (?:a |an |another |one more )?(?:\w+ ){{0,3}}(?:dev|devs|developer|engineer|designer|writer|analyst|scientist|researcher|intern|junior|hire|person|\w+er)\b(?=.*\b(?:you|your|ur)\b)"
    rf"|\b(?:i'?m|am|i am|currently|been) (?:\w+ )?(?:looking|searching|hunting) for (?:a |an |my )?(?:new |next |first )?(?:opportunit(?:y|ies)|{_JOB})"
    rf"|\b(?:any|open|available|free|new|a|an|the) (?:\w+ ){{0,3}}{_JOB} (?:at|in|on|with|for|opens?|opening|comes? up|coming up|available|open)\b(?=.*\b(?:me|my|i|i'd|someone like me|open|opening|opens|available|vacant|hiring|apply|applied|considered|your|there's)\b)"
    rf"|\b(?:is|are)(?: [\w-]+){{0,3}}?(?: still| currently| by any chance)? (?:taking on|hiring|bringing on|looking for|staffing up|recruiting) (?:a |an |more |some |any )?(?:\w+ ){{0,2}}(?:engineers?|developers?|devs?|designers?|programmers?|writers?|analysts?|scientists?|researchers?|interns?|juniors?|contractors?|freelancers?|people|folks|hires?)\b"
    rf"|\b(?:are|is|r) (?:you guys|y'all|you|u|your \w+|the team|they|anyone|anybody|\w+) (?:still |currently |ever |by any chance )?(?:hiring|recruiting|taking (?:on )?(?:interns|juniors|people|applications|students))\b"
    rf"|\b(?:are|is|r) (?:you guys|y'all|you|u|your \w+|the team|they|\w+) (?:still |currently |by any chance )?looking for (?:a |an |more |new |junior |senior |extra )?(?:\w+ )?(?:engineers?|devs?|developers?|designers?|people|folks|someone|interns?|juniors?|hires?|writers?|analysts?|scientists?|researchers?|pms?|managers?|students?|help|\w+ers)\b"
    rf"|\bdo (?:you|u|you guys|they|your \w+) (?:take|hire|accept|have|offer|need) (?:\w+ )?(?:interns?|juniors?|students?|new grads?|contractors?|freelancers?|{_JOB})\b"
    rf"|\b(?:work|intern|start|join) (?:for|at|under|with)? ?(?:you|your|ur) (?:\w+ )?(?:team|company|org|organi[sz]ation|lab|group|startup|studio|agency|shop|department)\b"
    rf"|\bjoin (?:your|ur) (?:\w+ )?(?:team|company|lab|group|startup|studio|org)|\b(?:a |good |kind )word (?:in|with|to|for)\b|\bput (?:in )?a (?:good |kind )?word\b"
    rf"|\b(?:intro\w*|talk|speak|chat|pass|forward|send|connect \w+|word)\b.*\b(?:to|with) (?:the|your|ur|a) (?:\w+ )?(?:hiring manager|recruiters?|hr|talent team|hiring team)\b"
    rf"|\bfoot in the door\b|\bjob[- ]?(?:hunt|search|seek)\w*|\b(?:i'?m|am|i am|currently) (?:job hunting|looking for (?:a |my )?(?:new |next |first )?{_JOB}|on the (?:job )?market|between jobs|unemployed|out of work|open to (?:work|offers|opportunities|new roles))"
    rf"|\b(?:get|getting|land|landing|find|finding|secure|securing|score|scoring)(?: me| myself)? (?:a|an|my|some) (?:first |new |next |junior |paid )?(?:{_JOB})\b(?=.*\b(?:you|your|ur|through|via)\b)"
    rf"|\b(?:get|getting|land|score)\w* (?:me|myself) (?:a |an )?(?:\w+ )?(?:{_JOB})|\bapply\w* (?:via|through|with) (?:you|u)\b|\bthrough (?:you|u)\b"
    rf"|\b(?:get|getting|be|being|got)(?: \w+)? referred\b|\breferred (?:to|at|into|for) (?:your|ur|a|an|the) (?:\w+ )?(?:company|team|org|lab|group|role|job|position|opening)"
    rf"|\b(?:is|are) (?:your|ur) (?:\w+ )?(?:team|company|org|lab|group|startup|department|studio) (?:still |currently )?(?:growing|expanding|adding (?:people|headcount)|scaling up)\b"
    rf"|\b(?:a|an|the|your|internal|any|get a|for a) referral\b(?![- ](?:traffic|links?|programs?|programmes?|codes?|sources?|data|rates?|fees?|bonus\w*|partners?|flows?|rules?|channels?))"
)
_THROUGH_YOU_JOB = _lazy(r"\bthrough (?:you|u)\b")


def _asks_job_here(sentence: str) -> bool:
    found = _ASKS_JOB.search(sentence)
    if not found:
        return False
    if _THROUGH_YOU_JOB.fullmatch(found.group(0)):
        return bool(re.search(rf"\b{_JOB}\b|\bhired\b", sentence))
    return True


_PICK_BRAIN = _lazy(r"\bpick (?:your|their|his|her|ur) brains?\b")
"""The chat without an agenda that the advice names: flagged whatever follows it."""
_MEETING_THING = _lazy(
    r"\bpick (?:your|their|his|her|ur) brains?\b"
    r"|\b(?:a|an|some|the|for|over|quick|short|brief|virtual|video|phone|zoom|long|proper|casual|informal) (?:(?!(?:your|ur|their|his|her|our|my) )\w+ )?(?:coffees?|teas?|beers?|drinks?|lunch|dinner|breakfast|bite|meal|call|zoom|chat|catch[- ]?up|meeting|meet[- ]?up|conversation|sync|1:1|one[- ]on[- ]one|hangout|walk|video call|video chat)\b"
    r"|\b(?:coffee|lunch|dinner|drinks?|beers?) (?:sometime|some time|together|and (?:chat|talk))\b|\bon (?:a |an )?(?:zoom|call|teams|meet|facetime|skype)\b"
    r"|\b(?:\d+|a few|few|some|fifteen|twenty|thirty|ten|five|half an?|an?) (?:minutes?|mins?|hours?|hour) (?:of your time|to (?:talk|chat|meet|call|connect)|with you|for a (?:call|chat|coffee))"
    r"|\b(?:spare|have|give me|find|carve out|grab|get|book) (?:\d+|a few|fifteen|twenty|thirty|ten|five|half an?|an?) (?:minutes?|mins?|hours?|hour)\b"
    r"|\b(?:some|a bit of|an hour of|a slice of|any) (?:of )?(?:your )?time\b|\byour calendar\b|\bget to know (?:you|each other)\b|\bin your calendar\b"
    r"|\b(?:book|schedule|set up|arrange|find|block|put) (?:a |some )?(?:time|slot|call|meeting|chat|zoom)\b"
    r"|\b(?:we|us|i|you|u|let'?s|lets)\b(?: \w+){0,4} (?:chat|talk|meet|meet up|catch up|hang out|connect|sync|speak|get together|swap notes|talk over|chat over|call)\b"
    r"(?! (?:to|with) (?:my|our|the|them|him|her)\b)(?! (?:your|the|our|my|this|that|it|these|those|its)\b(?! (?:\w+ )?(?:team|folks|people|group|crew)\b))"
)
_VAGUE_AGENDA = _lazy(
    r"\b(?:just|only|simply) (?:to )?(?:talk|chat|catch up|connect|hang out|say hi|get to know)|\bno (?:particular|specific|real|set|fixed) (?:topic|agenda|reason|plan)|\bno agenda\b|\bwithout (?:an? |any )?(?:agenda|topic)|\bno topic\b"
    r"|\bany (?:day|week|time|evening|morning|afternoon)\b(?= (?:that |which )?(?:suits|works|fits|you like|you want|is good))"
    r"|\b(?:anything|everything|whatever|stuff|things|all sorts|life|random|tons of questions|lots of questions|a few questions|some questions|some things|questions)\b"
    r"|\bpick (?:your|their|his|her|ur) brains?\b|\bmore\b(?= (?:with you|on a call|sometime|later))|\bwhatever comes up\b"
    r"|\b(?:sometime|some time|at some point|one day|whenever|someday|one of these days|some day|in the future|anytime|any time)\b"
)
_AGENDA = _lazy(r"\b(?:about|on|regarding|re|over|to discuss|discuss|to go over|go over|to ask (?:you )?(?:about|how|why|whether)|so (?:that )?i can ask|"
                     r"to show you|to hear (?:how|why|about)|to walk through|to compare|to review)\b"
                     r"(?! (?:a |an |the )?(?:zoom|call|teams|meet|facetime|skype|video|phone|slack|discord|signal|whatsapp)\b) (?P<topic>.+)")
"""What a meeting is about: the topic after "about", "to discuss"... ("on Zoom" is where, not what)."""


_TEXTING = {"u": "you", "ur": "your", "ya": "you", "yr": "your", "theres": "there's", "im": "i'm", "ive": "i've",
            "wanna": "want to", "gonna": "going to", "cuz": "because", "coz": "because", "ppl": "people", "abt": "about",
            "pls": "please", "plz": "please", "w/": "with", "dont": "don't", "cant": "can't", "wont": "won't",
            "whats": "what's", "wat": "what", "wot": "what", "hows": "how's", "wheres": "where's", "youre": "you're", "id like": "i'd like"}
"""Texting spellings read as the words they stand for ("do u know if theres an opening in ur lab")."""
_TEXTING_WORD = _lazy(r"(?<![\w'])(?:" + "|".join(sorted((re.escape(key) for key in _TEXTING), key=len, reverse=True))
                      + r")(?![\w'])")


def _ask_text(text: str) -> str:
    lowered = without_titles(straighten(text)).lower()
    return _TEXTING_WORD.sub(lambda found: _TEXTING[found.group(0)], lowered)


def _sentences_of(text: str) -> list[str]:
    """Sentences, at most 30 (the last holds the rest): a run of "? ? ?" is not a thousand asks."""
    parts = [part for part in re.split(r"(?<=[.!?;])\s+|\s+-+\s+|\s*[\u2013\u2014]\s*|\s*\n\s*", text) if part.strip()] or [text]
    return parts if len(parts) <= 30 else parts[:29] + [" ".join(parts[29:])]


def _without_compounds(sentence: str) -> str:
    """``sentence`` without hyphenated compounds ("coffee-and-code", "call-for-papers"): their words
    are a name, not a meeting asked for."""
    return " ".join(word for word in sentence.split() if "-" not in word.strip("-"))


def asks_for_a_job(text: str) -> bool:
    """A job, an internship, an interview, a referral, a CV passed on, a word with the hiring
    manager, "any roles open on your side?" (not: a talk about hiring, a question on how they hire,
    cron jobs, the roles in an access-control model)."""
    for sentence in _sentences_of(_ask_text(text)):
        sentence = _NOT_EMPLOYMENT.sub(" ", sentence)
        if _asks_job_here(sentence) and _REQUEST.search(sentence) and not _about_their_practice(sentence):
            return True
    return _cue_asks(text, "job")


def asks_for_a_meeting(text: str) -> bool:
    """A chat, a call, a coffee, time in their calendar, with no agenda: nothing particular to
    discuss (a meeting to go over one named thing is not flagged, but "pick your brain" always is)."""
    lowered = _ask_text(text)
    if _PICK_BRAIN.search(lowered):
        return True
    for sentence in _sentences_of(lowered):
        sentence = _without_compounds(_DECISION_CALL.sub(" ", sentence))
        meeting = _MEETING_THING.search(sentence)
        if not meeting or not _REQUEST.search(sentence) or _about_their_practice(sentence):
            continue
        if re.match(r"[- ]?(?:shop|house|break|post|talk|paper|study|article|thread|episode|analysis|pattern|problem|mechanism|logic|lag|job)",
                    sentence[meeting.end():].lstrip(" ") if sentence[meeting.end():meeting.end() + 1] == "-" else sentence[meeting.end():]):
            continue  # "the coffee-shop case study", "the replica catch-up post": a topic, not a meeting
        if anchored_in_their_work(sentence) and not re.search(r"\b(?:we|us|i|me|let'?s|lets)\b", sentence[:meeting.end()]) \
                and re.match(r"\W*(?:in|for|at|on|about|from|when|why|how|what|which|did|do|does|would you still)\b", sentence):
            continue
        if re.fullmatch(r".*\b(?:the|your|ur|this|that|a|my|his|her|their) (?:\w+ )?(?:talk|chat|call|meeting|conversation)", meeting.group(0)) \
                and re.search(r"\b(?:your|ur|the|this|that|his|her|their) (?:\w+ )?(?:talk|chat|meeting|conversation)\b", meeting.group(0)):
            continue  # their talk, the meeting they described
        after = sentence[meeting.start():]
        if _VAGUE_AGENDA.search(sentence):
            return True
        agenda = _AGENDA.search(after) or _AGENDA.search(sentence)
        if agenda and narrow(words(agenda.group("topic"))):
            continue  # a meeting with something particular to discuss
        if agenda and identifies(agenda.group("topic"), words(agenda.group("topic"))):
            continue
        return True
    return _cue_asks(text, "meeting")


_ASKS_MENTOR = _lazy(
    r"\b(?:mentor\w*|coach\w*|guid(?:e|es|ing)|advis(?:e|es|ing)|tutor\w*|teach(?:es|ing)?|train(?:s|ing)?|sponsor\w*|supervis(?:e|es|ing)|shepherd\w*|counsel\w*|steer\w*|support\w*|help\w*) (?:me|us|myself)\b"
    r"(?! (?:with|on|through|understand|to understand|debug|fix|find|review|test|reproduce|port|run) (?:a |the |this |that |your |my |our )?(?:\w+ ){0,2}(?:bug|issue|patch|pr|code|codebase|repo|build|api|paper|benchmark|test|config|setup|error|crash|migration|script|function|docs?)\b)"
    r"|\b(?:be|become|act as|being) (?:my|a|an|our|the|someone|somebody) (?:\w+ ){0,3}(?:mentor|coach|advisor|adviser|sponsor|guide|sounding board|role model|person i (?:check in|talk) with)"
    r"|\b(?:mentor|coach|advisor|adviser|guide|role model|sounding board)s? (?:for|to) (?:me|us)\b|\bsomeone (?:\w+ )?(?:guiding|mentoring|coaching|advising) (?:me|us)\b"
    r"|\bmentor(?:ing|ship) (?:for )?(?:me|us)\b|\bmentees?\b|\b(?:be|am|being) one of them\b|\btak(?:e|ing) (?:me|us) on\b(?! (?:a|the) )"
    r"|\bunder (?:your|ur|their|his|her) wing\b|\bshow (?:me|us) the ropes\b|\bteach (?:me|us) (?:how|everything|the ropes|step by step)"
    r"|\b(?:help|guide|support|steer|coach|walk)\w* (?:me|us) (?:\w+ ){0,2}(?:grow|navigate|develop|advance|level up|become|transition|move into|break into|switch|get into|through (?:my|the rest|this)|in my career|with my career|along|as i)"
    r"|\b(?:career|ongoing|regular|monthly|weekly|personal) (?:guidance|advice|coaching|support|check[- ]ins?|calls|chats|sessions|mentoring)\b|\bguidance\b(?=.*\b(?:me|my|i)\b)"
    r"|\bcheck in (?:with (?:you|u) )?(?:regularly|every|each|once a|from time to time|now and then|periodically)|\b(?:someone|somebody|person) i (?:can )?check in with\b"
    r"|\b(?:ping|message|email|dm|bug|text|ask) (?:you|u) (?:\w+ )?(?:with questions|whenever|every time|each time|when i|if i|from time to time|as i|questions (?:whenever|every|each|as|when))"
    r"|\bsend (?:you|u) (?:my )?questions (?:every|whenever|when|each|as)|\b(?:keep|continue) (?:guiding|mentoring|coaching|advising|helping) (?:me|us)"
    r"|\b(?:guide|steer|shape|direct) (?:my|our) (?:career|path|growth|development|journey|phd|thesis|studies)"
    r"|\b(?:looking|searching|hunting|hoping|seeking) for (?:a |an )?(?:\w+ )?(?:mentor|coach|advisor|adviser|sponsor|guide)\b"
    r"|\bin (?:return|exchange) for (?:some |your |a bit of |regular |occasional |a little )?(?:mentor\w*|coaching|guidance|career advice)"
)


def asks_for_mentoring(text: str) -> bool:
    """Mentoring, coaching or guidance of the writer, ongoing help ("ping you whenever I'm stuck");
    not their mentoring programme or an offer to mentor others."""
    for sentence in _sentences_of(_ask_text(text)):
        found = _ASKS_MENTOR.search(sentence)
        if found and _REQUEST.search(sentence) and not _about_their_practice(sentence) and (
                re.search(r"\b(?:me|my|us|our|i)\b", found.group(0))
                or (_SELF.search(sentence) if re.search(r"mentee|one of them", found.group(0)) else not _offer_to_others(sentence))):
            return True
    return _cue_asks(text, "mentor")


_PEOPLE = (r"(?:boss|manager|ceo|cto|cfo|coo|vp|founders?|co-?founders?|directors?|head of \w+|lead|team lead|leads|"
           r"colleagues?|co-?authors?|coauthors?|editor|investors?|advisor|chair|pi|professor|supervisor|maintainers?|"
           r"friends?|people|folks|someone|somebody|anyone|anybody|alumni|team|engineers?|researchers?|organi[sz]ers?|"
           r"contacts?|network|her|him|them|whoever)")
_ASKS_INTRO = _lazy(
    rf"\b(?:introduc\w*|intro|connect\w*|link\w*|hook\w*|set\w*) (?:me|us)(?: up)? (?:to|with)\b|\b(?:introduc\w*|connect\w*) (?:me|us)\b"
    rf"|\b(?:an|a|some|the) (?:warm |quick |short |personal )?(?:intro|introduction|connection)s?\b(?! {_INTRO_AS_PART}\b)(?! (?:to|of|on|about) (?:the |a |an )?(?:topic|book|paper|talk|course|subject|field|theory|\w+ing\b|[a-z]+ (?:programming|language|theory|design)\b(?! (?:team|lead|folks|people|group|manager|director|head|org))))"
    rf"|\bput (?:me|us) in (?:touch|contact)\b|\b(?:get|getting) (?:me|us) (?:in front of|in touch|in contact|a meeting|an intro|introduced|connected)"
    rf"|\b(?:be|get|being|getting) (?:introduced|connected|put in touch|linked up) (?:to|with)\b"
    rf"|\b(?:pass|forward|give|send|share|hand) (?:my|our) (?:name|email|details|contact|number|info|card)\w* (?:on |along |over )?to\b"
    rf"|\bloop (?:me|us) in with\b|\b(?:set|hook) (?:that|it|this|something|a meeting) up\b"
    rf"|\b(?:meet|talk to|speak (?:to|with)|chat with|access to|reach|contact|in touch with|in contact with) (?:your|ur|their|his|her) (?:\w+ )?{_PEOPLE}\b"
    rf"|\b(?:know|knows) (?:anyone|anybody|someone|somebody|people|other \w+|a \w+)\b.*\b(?:connect|introduc\w*|intro|put|link|hook|talk to|reach|refer|contact|touch)\b"
    rf"|\bwho (?:should|could|can|might) i (?:talk|speak|reach out|write|go) to\b|\bwho (?:owns|runs|leads|manages|decides|handles)\b.*\b(?:introduc\w*|intro|connect\w*|touch)\b"
)


def asks_for_an_introduction(text: str) -> bool:
    """To be put in touch with someone else through them (their CTO, their co-author, "anyone at X")."""
    for sentence in _sentences_of(_ask_text(text)):
        if _ASKS_INTRO.search(sentence) and _REQUEST.search(sentence) and not _past_fact(sentence):
            return True
    return _cue_asks(text, "intro")


def _past_fact(sentence: str) -> bool:
    """"You introduced me to Julia at PyCon": what happened, not an ask."""
    return bool(re.search(r"\b(?:you|u|he|she|they) (?:\w+ )?(?:introduced|connected|linked)\b", sentence)
                and not re.search(r"\b(?:could|would|can|will|might|love|like|hope|mind)\b", sentence))


def _about_their_practice(part: str) -> bool:
    """A question about how they do or decided something ("how do you run interviews", "in the hiring
    talk, why did you drop the take-home?"): about their work, not an ask."""
    return bool(re.search(r"^\W*(?:(?:in|for|at|on|with|from|about|during|after|when|while|before|since|once|if) [^?]*?[,;:] )?"
                          r"(?:(?:how|why|what|when|which|where)(?: [\w'-]+)? (?:do|did|does|is|are|was|were|have|has|would|will|should)"
                          r"|(?:what|who|which \w+) (?:made|led|pushed|convinced|got|drove|prompted)"
                          r"|(?:did|do|does|have|has|would|will) (?=you|your|ur|they|the team|u))"
                          r"\b.*\b(?:you|your|ur|they|their|them|the team|u)\b", part)
                and not re.search(r"\b(?:for|to) (?:me|us)\b|\b(?:me|my) (?:cv|resume|application|name)\b|\b(?:could|can|would) (?:i|you)\b"
                                  r"|\bdo (?:you|u) (?:happen to )?know (?:if|whether|of|anyone|anybody|someone|somebody)\b|\b(?:is|are) there\b|\bthere's\b"
                                  r"|\b(?:i|we) (?:could|can|might)\b|\bme\b", part))


def _offer_to_others(part: str) -> bool:
    """An offer to mentor or teach others ("I could mentor newcomers in your Discord")."""
    return bool(re.search(r"\b(?:i|we) (?:could|can|would|will|'d|'ll|am happy to|'m happy to|offer to)\s+(?:\w+ )?(?:mentor|coach|teach|guide|help)\s+(?!me\b|us\b|you\b|u\b|with\b|out\b|your\b)", part))


# What an ask is about, read from classes of words in a sentence that asks for something (see
# _REQUEST) with the writer as the one who gains: these catch the wordings the patterns above miss.

_SELF = _lazy(r"\b(?:me|my|myself|i|i'm|i'd|i've|i'll|someone like me|people like me|us|our)\b")
_EMPLOYMENT = _lazy(
    r"\b(?:(?:a|any|new|next|first|dream|full-time|part-time|paid|remote|junior|senior|entry-level|summer|staff|"
    r"my|for a|founding|permanent|temporary) (?:\w+ )?(?:jobs?|roles?|positions?|gigs?))\b"
    r"|\bjobs? (?:for me|at|with your|on your|openings?|postings?|offers?|hunt\w*|search\w*|ads?)\b"
    r"|\b(?:openings?|vacanc(?:y|ies)|internships?|apprenticeships?|headcount|job postings?|postings?|"
    r"contractors?|freelancers?|trial (?:week|day|period)|paid trial|founding engineer|hiring(?! [a-z]{3,}(?<!ing))|"
    r"recruiting(?! [a-z]{3,})|staffing up|bringing on|in the running|be considered|throw my hat|apply(?:ing)? (?:for|to)|"
    r"my application|cv|c\.v\.|resume|résumé|r[eé]sum[eé]|case studies|clips|recruiter screen|hire me|employ me)\b"
    r"|\b(?:spot|seat|slot|place|role|position) (?:\w+ ){0,3}(?:opens?|free|comes up|available)\b"
    r"|\b(?:looking for|need|needs|taking on|hiring|bring on|bringing on|staffing) (?:a |an |more |some |another )?(?:\w+ ){0,2}"
    r"(?:engineers?|developers?|devs?|designers?|programmers?|writers?|analysts?|scientists?|researchers?|interns?|juniors?|"
    r"contractors?|freelancers?|hires?|people|folks|help)\b"
    r"|\b(?:land|get|score) (?:a |an )?(?:\w+ )?(?:role|job|position|offer|interview)\b"
)
_NOT_EMPLOYMENT = _lazy(r"\b(?:short|long|small|big|large|heavy|cron|batch|ci|build|nightly|background|scheduled|spark|etl|queue|worker|print|k8s|"
                             r"kubernetes|slurm|airflow|deploy|deployment|test|tests|data|github|gitlab|spam) jobs?\b|\bjobs? (?:queue|scheduler|"
                             r"runner|table|chapter|step|timeout|failures?|retries|system)\b|\bhiring (?:loop|process|pipeline|"
                             r"rubric|bar|practices?|guide|post|talk)\b|\bapply (?:it|this|that|the|your) \w+ to\b"
                             r"|\b(?:jobs?|roles?|positions?) (?:in|of) (?:your|the|our|a) (?:\w+ )?(?:pipeline|paper|scheduler|cluster|queue|"
                             r"rbac|iam|model|schema|system|post|graph|tree|array|list|dag|workflow|diagram|game|table|policy|policies)\b"
                             r"|\b(?:rbac|iam|access|user|admin|database|db) roles?\b"
                             r"|\b(?:i|we)(?:'m|'re| am| are)? (?:also |now )?(?:run|do|lead|manage|handle|own|ran|led|managed|help with|in charge of) (?:\w+ )?(?:hiring|recruiting|interviews?|interviewing)\b"
                             r"|\b(?:we're|we are|our (?:\w+ )?(?:team|company|lab|group|startup) (?:is|are)) (?:also |currently |actively )?(?:hiring|recruiting)\b")
_MEETING_WORDS = frozenset("""
coffee coffees tea matcha lunch dinner breakfast brunch drink drinks beer beers meal call zoom chat chats
meeting hangout catch-up afternoon evening half-hour 1:1 one-on-one facetime skype
""".split())
_MEETING_LEADS = frozenset("grab get have buy take for over a an quick short some on book schedule set find carve "
                           "virtual video phone long proper casual informal brief is's".split())
_MEETING_VERBS = _lazy(r"(?<!\bthe )(?<!\byour )(?<!\ba )(?<!\bthis )(?<!\bthat )(?<!\bhis )(?<!\bher )(?<!\btheir )(?<!\bour )(?<!\bmy )(?<!\bgive )(?<!\bgave )"
                       r"\b(?:chat|talk|meet|meet up|catch up|hang out|link up|get together|grab|sync|connect|"
                            r"riff|nerd out|jam|shoot the breeze|swap notes|run (?:a bunch of |some )?(?:stuff|things|ideas) by you|"
                            r"bounce (?:some )?ideas|pick your brain|get to know you|carve out)\b"
                       r"(?! (?:your|the|our|my|this|that|it|these|those|its)\b(?! (?:\w+ )?(?:team|folks|people|group|crew)\b))")
_DECISION_CALL = _lazy(r"\b(?:make|made|making|makes|tough|judgement|judgment|the right|the wrong|a good|a bad|design|"
                            r"that|this|your|close|hard|deadline|readability) call\b|\bcall (?:for|to) (?:papers|proposals|action)\b"
                            r"|\b(?:conference|team|weekly|standup|incident|sales|on-?call|review|planning|bridge) (?:call|meeting)s?\b")
_MENTORING = _lazy(
    r"\b(?:mentor\w*|mentee|coach\w*|guid(?:e|ing|ance)|advis\w+|advice|sponsor\w*|shepherd\w*|supervis\w+|apprentice\w*|"
    r"role model|sounding board|go-to person|in my corner|under your wing|show me the ropes|big (?:sister|brother)|"
    r"check(?:ing)?[- ]in|checking in|look(?:ing)? out for me|keep an eye on my|help me (?:grow|navigate|figure|find my way|"
    r"transition|develop|become|level up|get better|plan my))\b")
_ONGOING = _lazy(r"\b(?:every (?:couple of |few )?(?:weeks?|months?|quarter)|each (?:week|month)|regular\w*|ongoing|"
                      r"over the (?:next|coming) (?:year|months|few months)|this year|as i (?:grow|figure|learn|transition|move|navigate|make)|"
                      r"while i (?:figure|learn|transition|move|decide|grow|navigate)|my (?:career|path|journey|growth|"
                      r"first (?:paper|year|job|talk|submission)|transition|phd|thesis)|from time to time|now and then|long[- ]term)\b")
_THIRD_PARTY = _lazy(
    r"\b(?:your|ur) (?:\w+ ){0,2}(?:colleagues?|boss|manager|team ?mates?|investors?|friends?|co-?founders?|co-?authors?|"
    r"editor|advisor|contacts?|network|lead|head of \w+|cto|ceo|vp|director|reports?|peers?|publisher|agency|students?|"
    r"postdocs?|pi|professor|supervisor)\b"
    r"|\b(?:someone|somebody|anyone|anybody|who|people|folks|the (?:folks|people|team|engineer|person|group|maintainers?|"
    r"organi[sz]ers?|editors?|publishers?)) (?:on|at|in|from|who|that|running|behind|handling|handles|built|wrote|ran|owns)\b"
    r"|\b(?:prof\.?|professor|dr\.?) [a-z]+\b|\b(?:a|any) (?:contact|connection|lead|person|name) (?:on|at|in)\b"
    r"|\b(?:her|him|them) (?:if|whether)\b|\bpublisher folks\b|\bwho on\b")
_ACCESS = _lazy(
    r"\b(?:introduc\w*|intro|connect\w*|in touch|in contact|loop \w+ in|put \w+ in|bridg\w+|hand ?off|handoff|present me|"
    r"mention\w* (?:my name|me)|my name|email|e-mail|contact|reach|write to|hear from me|hearing from me|meet(?:ing)? me|"
    r"talk(?:ing)? to me|in a room with|get me|share with me|pass (?:it|me|my)|forward|vouch|two of us)\b")


def _cue_asks(text: str, kind: str) -> bool:
    for sentence in _sentences_of(_ask_text(text)):
        if not _REQUEST.search(sentence) or _past_fact(sentence):
            continue
        tokens = words(sentence)
        if kind == "job":
            cleared = _NOT_EMPLOYMENT.sub(" ", sentence)
            if _EMPLOYMENT.search(cleared) and _SELF.search(cleared) and not _about_their_practice(sentence) \
                    and not _offer_to_others(sentence):
                return True
        elif kind == "meeting":
            cleared = _without_compounds(_DECISION_CALL.sub(" ", sentence))
            bits = words(cleared)
            meeting_word = any(token in _MEETING_WORDS and i and bits[i - 1] in _MEETING_LEADS
                               and not (i + 1 < len(bits) and _content(bits[i + 1]) and bits[i + 1] not in _MEETING_WORDS
                                        and not bits[i + 1].endswith("ly") and bits[i + 1] not in ("sometime", "together"))
                               for i, token in enumerate(bits))
            if (meeting_word or _MEETING_VERBS.search(cleared)) \
                    and re.search(r"\b(?:we|us|you|u|i|me|let'?s|lets)\b", cleared) \
                    and not _about_their_practice(sentence) and _no_agenda(cleared):
                return True
        elif kind == "mentor":
            found = _MENTORING.search(sentence)
            if found and _SELF.search(sentence) and (_ONGOING.search(sentence) or re.search(
                    r"\b(?:me|my|mine)\b", sentence[found.start():found.end() + 20])) and not _offer_to_others(sentence) \
                    and not _about_their_practice(sentence):
                return True
        elif kind == "intro":
            if _THIRD_PARTY.search(sentence) and not re.search(rf"\bintro {_INTRO_AS_PART}", sentence) and _ACCESS.search(sentence) and _SELF.search(sentence) \
                    and not _about_their_practice(sentence):
                return True
        del tokens
    return False


def _no_agenda(sentence: str) -> bool:
    """A meeting sentence with nothing particular to discuss: vague words ("stuff", "just talk"), or
    no narrow topic after "about", "on", "so I can ask"..."""
    if _VAGUE_AGENDA.search(sentence) or re.search(r"\b(?:riff|nerd out|shoot the breeze|hang out|bunch of|everything)\b", sentence):
        return True
    agenda = _AGENDA.search(sentence)
    return not (agenda and (narrow(words(agenda.group("topic"))) or identifies(agenda.group("topic"), words(agenda.group("topic")))))


# --- what a question is about -------------------------------------------------------------------

_PUBLIC = _lazy(
    r"\bhow (?:did|do|have|has) (?:you|u) (?:first )?(?:get|got|break|broke|end(?:ed)? up|come|came|start|started|begin|began|find (?:your way|yourself)|transition|switch|move|make it)\b(?: \w+){0,2} ?(?:started|into|in\b|out|to be|to become|where|your career|coding|programming|tech|the field|this field|working|as an?)"
    r"|\bwhat(?: was| is|'s| were) (?:your|ur) (?:path|journey|story|background|career|route|trajectory|first job|education|degree|origin|role|job|title|day job|position|company|stack|setup)\b"
    r"|\bwhere (?:did|do|have) (?:you|u) (?:study|studied|work|worked|do your|did your|go to|grow up|come from|learn|learned|get your|live|start|begin|train)"
    r"|\b(?:which|what) (?:company|companies|team|lab|university|school|org|organi[sz]ation) (?:are|do|did|were|have) (?:you|u)\b|\bwho do (?:you|u) work for\b"
    r"|\bwhat do (?:you|u) do(?: for (?:a living|work)| at \w+| there| now| these days| exactly| day to day)?\W*$|\bwhat does (?:your|ur) (?:company|team|startup|lab|group|org|job) do\b"
    r"|\bwhat (?:are|r) (?:you|u) (?:working on|up to|building|doing|focused on|focusing on|researching)(?: these days| now| lately| currently| at the moment| right now| next| recently)?\W*$"
    r"|\bhow long (?:have|has|did) (?:you|u)\b|\b(?:a |your )?typical (?:day|week|workday)\b|\bday in the life\b|\bwhat(?:'s| is) it like (?:to work|working|being|at)\b"
    r"|\byounger (?:self|you|me)\b|\bgo(?:ing)? back (?:in time|to when|to the start|to the beginning)|\b(?:start|started|starting) (?:over|again|from scratch)\b.*\bwhat\b|\bwhat would you (?:do|have done) differently\b"
    r"|\bwhat (?:should|do you (?:recommend|suggest)|would you (?:recommend|suggest)) (?:i|someone|a beginner|beginners|people|one|newcomers|juniors)(?: \w+)? (?:learn|study|read|focus on|start with|do|know|pick|take|try)\b"
    r"|\b(?:what|which) (?:\w+ )?(?:certifications?|courses?|books?|resources|languages?|degrees?|bootcamps?|tutorials?|blogs?|podcasts?|newsletters?|youtubers?|channels?|websites?|sites?|papers?|skills?|tools?) (?:should|would|do|can|could|must) (?:i|you (?:recommend|suggest|read|follow|use|listen|watch)|one|someone|beginners)"
    r"|\b(?:what|which) (?:\w+ )?(?:books?|blogs?|podcasts?|newsletters?|people|resources|sites|youtubers?|channels?|accounts?) (?:do|would|did) (?:you|u) (?:read|follow|listen|recommend|watch|use|suggest)\b"
    r"|\bhow (?:do|did|can|could|should) (?:i|one|someone|people|beginners|juniors|newcomers|a beginner|a junior|students) (?:\w+ )?(?:get|break|break into|start|begin|learn|become|transition|switch|move|land|find|prepare)\b"
    r"|\bwhat (?:skills|qualities|traits|background|degree|education) (?:do|does|should|would) (?:i|one|someone|a \w+|you need)\b"
    r"|\bhow do (?:you|u) (?:stay|keep|remain) (?:so )?(?:motivated|productive|up to date|current|focused|sane|organi[sz]ed|inspired|on top|curious|creative|positive|balanced)"
    r"|\bhow do (?:you|u) (?:learn|keep up with|keep track of) (?:new|everything|things|the latest|so much|all)"
    r"|\bhow do (?:you|u) (?:avoid|deal with|handle|manage|prevent|beat|fight|cope with) (?:\w+ )?(?:burnout|burn out|stress|imposter|impostor|work-life|overwhelm|motivation|procrastination|failure|rejection)"
    r"|\bwork-life balance\b|\bwhat do (?:you|u) (?:like|love|enjoy) (?:most )?about (?:your (?:job|work|role|career)|working|what you do|it)\b"
    r"|\bwhat (?:was|is) (?:your|ur) (?:phd|thesis|dissertation|degree|major|masters?|background|first (?:job|gig|role|company|project)|very first (?:\w+ )?(?:job|gig|role))\b"
    r"|\b(?:typical|average|normal|usual) (?:day|week|workday|working day)\b|\b(?:best|right|good|easiest) way for (?:a|an|someone|me|people|beginners|newcomers)\b"
    r"|\b(?:which|what) (?:\w+ )?(?:courses?|books?|resources|tutorials|podcasts?|newsletters?|blogs?) (?:are|is|would be) (?:good|best|worth|great)\b"
    r"|\b(?:what|which) (?:podcasts?|newsletters?|blogs?|books?|people|accounts?) (?:or \w+ )?do (?:you|u) (?:read|follow|listen|recommend|watch)\b"
    r"|\b(?:what|why) (?:made you|did you|led you to) (?:start|found|join|leave|quit|choose|pick|go into|get into|become) (?:your own |a |an |this |the )?(?:company|startup|business|career|job|field|industry|role|profession|\w+ing)\b"
    r"|\bwhat(?:'s| is| are) (?:your|ur) (?:favou?rite|go-to|preferred|usual|daily driver)\b|\bwhat(?:'s| is| was| will) (?:your|ur) (?:\w+ )?(?:talk|session|keynote|workshop|book|podcast|newsletter|company|startup|project|team|lab|channel) (?:be )?(?:about|on)\W*(?:(?:tomorrow|today|tonight|later|this \w+|next \w+|at \w+)\W*)?$|\bwhat(?:'s| is) in (?:your|ur) (?:\w+ )?(?:toolkit|toolbox|stack|setup|bag|kit|dotfiles)\b|\bday[- ]to[- ]day\b|\bdaily (?:work|job|life|basis|routine)\b"
    r"|\b(?:your|ur) (?:main |current |own )?(?:research )?(?:area|field|focus|specialty|speciality|specialism|expertise|interests?|niche|stack)\W*$"
    r"|\bwhat(?:'s| is| are) the (?:\w+ )?(?:stack|setup|tooling|toolchain|tools) (?:you|u) (?:use|work with|run)\b|\bwhat (?:made|got|led|drew|brought|pulled) (?:you|u) (?:to )?(?:get |go |come )?into\b"
    r"|\b(?:which|what) (?:\w+ )?(?:meetups?|conferences?|events?|projects?|companies|languages?|tools?|teams?|communities|open source projects?|editors?|frameworks?) (?:do|did|have|are) (?:you|u) (?:organi[sz]e|run|work (?:on|at|for|with)|maintain|use|speak at|attend|contribute to|involved in|part of|lead|teach|like|prefer)\b"
)
_BROAD = _lazy(
    r"\bwhat do (?:you|u) think (?:of|about|will)\b|\bwhat(?:'s| is| are) (?:your|ur) (?:thoughts?|take|opinions?|views?|feelings?|stance|position|prediction)s? (?:on|about|regarding|of)\b"
    r"|\bthoughts on\b|\b(?:your|ur) (?:thoughts|opinion|take|views?) (?:are |is )?(?:on|about)\b|\bhow do (?:you|u) feel about\b|\bdo (?:you|u) (?:think|believe|reckon) (?!(?:the|your|this|that) (?:\w+ )?(?:approach|fix|rule|test|change|method|trick|design|model|benchmark|heuristic|result|patch|pattern)\b)"
    r"|\bwhere (?:is|are|do (?:you|u) see|will) .*\b(?:going|heading|headed|be in|in \d+ years|in (?:five|ten|the next) \w+)|\bthe future (?:of|for)\b|\bwhat(?:'s| is) next for (?:the )?(?:industry|field|web|ai|tech|us|\w+ing)\b"
    r"|\bin the (?:next|coming) (?:\d+|few|five|ten|couple of) (?:years|decades|months)\b|\bwill (?:\w+ ){0,3}(?:replace|kill|die|take over|be dead|survive|win|disappear|matter|last)\b"
    r"|\b(?:is|are) (?:\w+ ){0,3}(?:dead|dying|the future|overrated|overhyped|underrated|overblown|oversold|hype|hyped|worth it|here to stay|a fad|a bubble|a scam|a silver bullet|a mistake|the answer)\b"
    r"|\bwhat makes (?:a |an |good |great )?\w+(?: \w+)? (?:good|great|successful|bad|work|tick|last|different|special)\b|\bwhat is (?:a )?(?:good|great|bad|real) \w+\W*$"
    r"|\bhow (?:do|can|should|would|does) (?:you|u|one|we|i|companies|teams|people|organi[sz]ations|orgs|startups|a (?:team|company|startup)) (?:\w+ )?(?:build|create|make|run|grow|become|get|be|design|write|foster|scale|lead|hire|keep|stay) (?:a |an |the )?(?:good|great|better|successful|healthy|strong|secure|more \w+|happy|thriving|effective|inclusive|productive|sustainable|winning)\b"
    r"|\bhow (?:do|can|could|should) (?:i|we) (?:get|become|be) (?:better|good|great|a better|an expert)\b|\bget better at\b|\bimprove (?:at|in) \w+\W*$|\bbecome a better\b|\bbe a better\b|\bmaster \w+\W*$"
    r"|\bwhat(?:'s| is| are) (?:the )?(?:biggest|hardest|most important|best|worst|main|greatest|top|key) (?:open )?(?:problems?|challenges?|things?|mistakes?|trends?|lessons?|skills?|languages?|questions?|issues?|risks?|threats?|opportunit\w+)\b(?!.*\b(?:you|your|ur) (?:\w+ ){0,3}(?:faced|hit|had|made|found|saw|ran into)\b)"
    r"|\bwhy (?:is|are|do|does) (?:\w+ ){1,4}(?:so )?(?:bad|hard|good|popular|important|difficult|broken|slow|terrible|awful|expensive|complicated|underrated|overrated|messy|boring)\b"
    r"|\b(?:can|could|would) (?:you|u) (?:please )?explain\b.*\b(?:to me|for me|in simple terms|simply|basics)\b|\bexplain (?:\w+ ){1,4}to me\b|\bteach me about\b|\btell me (?:everything|all|more|a bit|about)\b"
    r"|\bis it (?:even |really |still )?(?:possible|worth|feasible|realistic) to\b|\bwhat(?:'s| is| went) wrong with\b|\b(?:these days|nowadays|today|in general|at large)\W*$"
    r"|\b(?:fix|solve|address|tackle|deal with|overcome) (?:its|their|the|our|this) (?:\w+ )?(?:problem|crisis|issues?|mess|gap|debt)\b"
    r"|\bexplain (?:\w+ ){0,6}(?:from (?:the ground up|scratch|first principles|the beginning|zero)|works?\b|in (?:detail|depth|simple terms))|\bwalk me through (?:everything|all|the basics|how \w+ works)"
    r"|\bin general\W*$|\bgenerally speaking\b|\bin a nutshell\b|\bmeaning of\b|\b(?:best|right|correct|proper) (?:way|approach|practices?) (?:to|for|of) \w+(?: \w+)?\W*$"
    r"|^\W*what (?:is|are) (?:a |an |the )?\w+(?: \w+)?\W*$|^\W*(?:is|are|should) (?:\w+ ){1,3}(?:better|worse|faster) than\b"
    r"|\bin (?:your|ur) (?:honest )?(?:opinion|view)\W*$|\bis (?:\w+ ){1,3}compatible with\b"
    r"|\bhow (?:should|will|would|could|might|must|does|do|is|are) (?:[\w-]+ ){1,3}(?:change|evolve|adapt|respond|cope|be reformed)\b(?= (?:because|with|in|to|given|after|now|as|for|when)\b|\W*$)"
    r"|\bhow (?:do|can|could|should|would|will) (?:we|one|people|society|the industry|the field|anyone|humanity|the world) (?:ever |actually |finally )?(?:fix|solve|tackle|address|end|stop|save|improve|change|reform|beat)\b"
    r"|\bwalk (?:me|us) through how (?:\w+ ){1,4}works?\b|\bis (?:[\w-]+ ){1,3}going to (?:take over|win|replace|die|last|matter|be)\b"
    r"|\bhow should (?:[\w-]+ ){1,2}(?:think about|approach|handle|deal with)\b|\bwhere do (?:you|u) (?:land|stand|fall) on\b"
    r"|\bis (?:[\w-]+ ){1,3}(?:still )?worth (?:learning|it|using|the hype)\b|\bis (?:[\w-]+ ){1,3}(?:overkill|necessary|needed|a good idea|the way to go|a fad)\W*$"
    r"|\bshould (?:i|we|one|beginners) (?:learn|use|pick|study|choose|start with) \S+ or \S+|\b(?:your|ur) (?:take|thoughts|opinion|view)\W*$"
)
_ANCHOR = _lazy(
    r"\b(?:in|from|on|for|about|of|with|behind|after) (?:your|ur|the|that|this) (?:\w+[- ]){0,4}?(?:post|article|talk|paper|book|chapter|keynote|video|episode|thread|pr|issue|release|library|tool|case study|study|write-?up|writeup|guide|tutorial|notebook|benchmark|survey|slides|deck|demo|project|repo|rfc|pep|proposal|spec|design|redesign|migration|rewrite|port|experiment|analysis|dataset|template|checklist|course|workshop|series|newsletter|podcast|answer|comment|test|model|method|approach|heuristic|program(?:me)?|rule|setup|config|framework|plugin|crate|package|api|schema|launch|incident|postmortem|report|paper|work on)\b"
    r"|\b(?:your|ur) (?:\w+[- ]){0,3}?(?:post|article|talk|paper|book|chapter|keynote|video|episode|thread|pr|release|library|tool|case study|study|write-?up|writeup|guide|tutorial|notebook|benchmark|survey|slides|demo|project|repo|rfc|pep|proposal|redesign|migration|rewrite|experiment|analysis|dataset|template|checklist|course|workshop|series|test|model|method|approach|heuristic|setup|config|framework|plugin|crate|package|api|schema|team's|decision|choice|design)\b"
    r"|\bwhen (?:you|u|your team) (?:\w+ )?(?:\w+ed|built|wrote|ran|chose|made|did|took|cut|split|moved|dropped|switched|rewrote|shipped|launched|found|set up)\b(?<!started)(?<!worked)(?<!joined)(?<!learned)(?<!graduated)(?<!moved)"
    r"|\b(?:why|how) did (?:you|u|your team|the team|they) (?:\w+ )?(?:choose|chose|pick|decide|go with|settle|land|keep|drop|switch|move|use|avoid|handle|measure|test|structure|design|name|split|merge|prioriti[sz]e|limit|cap|default|stop|start|change|replace|reject|convince|get \w+ to|make|build|write|run|deal|balance|evaluate|validate|recruit|match|attribute|link|detect|count|scale|keep|tune|set)\b"
    r"|\b(?:how|why|when|whether|what) (?:you|u|your team|the team|you all) (?:\w+ )?(?:decided|chose|picked|settled|went with|built|wrote|ran|made|took|cut|split|kept|dropped|switched|moved|designed|structured|handled|tested|measured|chose|found|solved|fixed|approached|\w+ed)\b(?<!started)(?<!learned)(?<!worked)"
    r"|\bwhat (?:made|led|pushed|convinced|drove) (?:you|u|your team|the team|them)\b|\bwhat (?:did|do) (?:you|u) (?:do|use|try|learn|find|change) (?:with|about|for|when|to|in|instead)\b"
    r"|\b(?:did|have|do|would|will|does|has) (?:you|u|your team|it|that|the \w+|this) (?:\w+ )?(?:consider|considered|try|tried|measure|measured|test|tested|keep|kept|drop|dropped|plan|scale|scaled|handle|benchmark|benchmarked|compare|compared|evaluate|evaluated|regret|ship|shipped|still (?:use|run|recommend|maintain|hold|work|apply)|also (?:work|apply|hold|handle|cover|try))\b"
    r"|\bwhy (?:\w+ ){0,3}(?:instead of|over|rather than|as the default|by default)\b|\binstead of\b|\bas opposed to\b|\brather than\b|\b(?:vs\.?|versus) \w+ \w+"
)


def _question_words(text: str) -> list[str]:
    return [word for word in words(text) if word not in FUNCTION_WORDS]


@lru_cache(maxsize=1)
def _piece_anchor() -> re.Pattern[str]:
    kinds = "|".join(sorted((re.escape(kind) for kind in KINDS_OF_PIECE), key=len, reverse=True))
    return re.compile(rf"\b(?:your|ur|that|this)(?: [\w-]+){{0,3}}? (?:{kinds})s?\b"
                      r"|\bthe(?: [\w-]+){0,3}? (?:talk|post|blog post|article|paper|keynote|book|chapter|video|episode|thread|"
                      r"workshop|tutorial|slides|deck|demo|case study|write-?up|essay|newsletter|podcast episode|pr|rfc)\b")


def anchored_in_their_work(text: str) -> bool:
    """Whether a question is about a piece of their work or a decision they made."""
    lowered = _ask_text(text)
    return TITLE_MARK.strip() in lowered or bool(_ANCHOR.search(lowered)) or bool(_piece_anchor().search(lowered))


_ADVICE = _lazy(r"\b(?:any|some|what|your|best|top|general|good|the) (?:\w+ )?(?:advice|tips|recommendations|suggestions|"
                     r"words of wisdom|lessons learned|pointers|guidance)\b(?P<rest>.*)")
_PERSON_TYPE = _lazy(r"\b(?:me|someone|somebody|anyone|people|person|beginners?|juniors?|newcomers?|students?|newbies?|"
                          r"grads?|graduates?|career|starting|aspiring|new to|young|women|those|us|folks|first[- ]time|"
                          r"transition\w*|switch\w*|breaking|getting into|get into|wants? to)\b")


def answered_in_public(text: str) -> bool:
    """A question their bio, their public work or a search answers: how they got started, where they
    work, advice for beginners, what to learn, what they would tell their younger self."""
    lowered = _ask_text(text)
    public = _PUBLIC.search(lowered)
    if not public:
        advice = _ADVICE.search(lowered)
        # Advice for a kind of person, or on nothing in particular; not advice on one narrow thing.
        if advice and (_PERSON_TYPE.search(advice.group("rest")) or not narrow(words(advice.group("rest")))):
            public = advice
    if public and re.search(r"\b(?:start|started|get|got|begin|began|into)\b", public.group(0)) \
            and re.match(r"\W*(?:with|using|on|for|in) ", lowered[public.end():]):
        rest = lowered[public.end():]
        if identifies(rest, words(rest)):
            return False  # "how did you get started with property-based testing in CI?"
    if public and re.search(r"younger|typical|average|day in the life|favou?rite|toolkit|toolbox|day[- ]to[- ]day|everyday|"
                            r"(?:made you|led you to|did you) (?:start|found|join|leave|quit|choose|pick|go into|get into|become)|"
                            r"phd|thesis|dissertation|first (?:job|gig|role)|background|"
                            r"(?:about|on)\W*(?:(?:tomorrow|today|tonight|later|this \w+|next \w+|at \w+)\W*)?$", public.group(0)):
        return True  # about them as a person, whatever else it names
    return bool(public) and not anchored_in_their_work(text)


def broad_question(text: str) -> bool:
    """A question not about their work or a decision they made, or too big for a hallway minute:
    the future of a field, opinions on everything, "explain X to me", "how do I get better"."""
    lowered = _ask_text(text)
    if anchored_in_their_work(text):
        return False
    if _BROAD.search(lowered):
        return True
    # Neither anchored in their work nor narrow: nothing for them to answer in a minute.
    original = straighten(text)
    masked = without_titles(original)
    content = [word for word in _question_words(masked.lower()) if _content(word) and word not in FIELDS_OF_WORK
               and word not in PLATFORMS]
    rarity = [max(0.0, 6.0 - zipf(word)) for word in content]
    if rarity and (max(rarity) >= 3.0 or sum(rarity) >= 5.5):
        return False
    lowered_masked = re.sub(r"\b\d+ (?:years?|months?|weeks?|days?)\b", "", masked)
    return not (_NUMBER.search(lowered_masked) or _capitalised_names(lowered_masked)
                or re.search(r"https?://|[a-z][A-Z]|_|\w\.\w", lowered_masked))
