"""Find text in a passage that speaks to the language model instead of the reader.

A document is data, but a model reading it may still obey it ("prompt injection"). Each chunk is
scanned once when it is indexed: instructions addressed to an assistant (English, German, French,
Spanish), chat-template role markers, fake system prompts, invisible characters, links built to
carry data out, and long encoded blobs. Patterns, not a model: it runs on every chunk at indexing
speed. Mentions are not instructions: an article about prompts that *names* "the system prompt"
is not flagged; only the imperative, addressed forms are, and a phrase quoted as an example
("such as “ignore previous instructions”") is left alone.

It lives in `ingest` (not `validate`) because the indexer calls it, and the index layer sits below
`validate`.
"""

from __future__ import annotations

import re
import unicodedata

from kenning.core.domain.documents import Flag
from kenning.core.ingest.invisible import count_invisible, strip_invisible

INSTRUCTION = "instruction to the model"
ROLE_MARKER = "chat template marker"
FAKE_SYSTEM = "fake system prompt"
INVISIBLE = "invisible characters"
EXFILTRATION = "link that could carry data out"
ENCODED = "long encoded text"

SPAN_CHARS = 80
# Stored with an index once all its chunks were scanned: a new number (the detector changed) has
# older indexes scanned again, in the background (`index/flag_backfill.py`).
SCAN_VERSION = "1"
_I = re.IGNORECASE | re.MULTILINE

# "ignore previous instructions" and its paraphrases, per language: verb, a few words, "previous",
# "instructions" (either order where the language allows it).
# Words chosen so manuals stay clean: "ignore the previous error message", "drop the old rules table"
# and "skip the earlier steps" are no orders to a model.
_EN_VERB = r"(?:ignore|disregard|forget|override|bypass|overrule|discard|abandon|neglect)"
_EN_PRIOR = r"(?:previous|prior|above|earlier|preceding|former|initial|original|system)"
_EN_RULES = (
    r"(?:instructions?|rules|prompts?|directions|directives|guidelines|guidance|context"
    r"|commands|constraints|restrictions|programming)"
)
_INSTRUCTIONS = [
    rf"\b{_EN_VERB}\s+(?:\w+\s+){{0,3}}?{_EN_PRIOR}\s+(?:\w+\s+){{0,2}}?{_EN_RULES}\b",
    rf"\b{_EN_VERB}\s+(?:all\s+|any\s+)?(?:of\s+)?your\s+(?:\w+\s+)?{_EN_RULES}\b",
    r"\b(?:ignore|disregard|forget)\s+(?:everything|all|anything)\s+(?:above|before|prior|(?:you\s+(?:were|have\s+been)\s+)?(?:told|said|given))",
    r"\byou\s+are\s+now\s+(?:an?\s+|in\s+|the\s+|my\s+)?(?:\w+\s+){0,2}?(?:assistant|ai|model|chatbot|bot|dan|jailbroken|unrestricted|unfiltered|uncensored|developer\s+mode|god\s+mode|admin\s+mode|free\s+of)",
    r"\b(?:from\s+now\s+on|henceforth|for\s+the\s+rest\s+of\s+this\s+(?:conversation|chat))\s*,?\s*(?:you\s+(?:will|must|shall|are|should)|act|behave|respond|answer|reply|pretend|only)\b",
    r"\b(?:act|behave|pretend|roleplay|role-play)\s+(?:as|like|to\s+be)\s+(?:if\s+you\s+(?:are|were)\s+)?(?:an?\s+)?(?:\w+\s+)?(?:unrestricted|unfiltered|jailbroken|uncensored|evil|dan\b|different\s+(?:ai|assistant|model)|(?:ai|assistant|chatbot|language\s+model)\s+(?:with|without|that|who))",
    r"\bpretend\s+(?:that\s+)?you\s+(?:are|have)\s+(?:no|not|an?\s+(?:unrestricted|different|evil))",
    r"\b(?:new|updated|real|actual|revised|additional|hidden|secret|true|override)\s+(?:system\s+)?(?:instructions?|prompt|rules|task|directive)\s*:",
    r"\b(?:reveal|print|show|repeat|output|display|leak|disclose|write\s+out|recite|dump|tell\s+me|give\s+me)\s+(?:me\s+)?(?:your|the)\s+(?:\w+\s+){0,2}?(?:system\s+prompt|system\s+message|initial\s+prompt|hidden\s+instructions)",
    r"\b(?:reveal|print|repeat|output|disclose|recite|dump)\s+(?:all\s+)?(?:of\s+)?your\s+(?:\w+\s+)?(?:instructions|prompt|rules)",
    r"\b(?:do\s+not|don'?t|never|without)\s+(?:tell(?:ing)?|inform(?:ing)?|mention(?:ing)?\s+(?:this|it)\s+to|reveal(?:ing)?\s+(?:this|it)\s+to|alert(?:ing)?|warn(?:ing)?|let(?:ting)?)\s+the\s+user",
    r"\b(?:respond|reply|answer|output)\s+(?:only|solely|exclusively)\s+with\b",
    r"\bonly\s+(?:respond|reply|answer|output)\s+with\b",
    r"\b(?:note|message|instructions?|attention|important)\s+(?:to|for)\s+(?:the\s+|any\s+)?(?:ai|assistant|llm|language\s+model|chatbot|bot|model|gpt|claude|copilot)s?\b\s*[:\-!,]",
    r"\bif\s+you\s+are\s+(?:an?\s+)?(?:ai|llm|language\s+model|assistant|chatbot|bot|gpt)\b",
    r"\b(?:dear|hey|hello|attention)\s+(?:ai|assistant|llm|chatbot|language\s+model|chatgpt|gpt|claude|copilot)\b",
    r"\b(?:include|insert|append|add|embed|render|output|put)\b[^.\n]{0,40}\b(?:link|image|url|markdown)\b[^.\n]{0,40}\byour\s+(?:answer|response|reply|output|summary)",
    r"\bwhen\s+(?:summari[sz]ing|asked\s+about|answering\s+(?:questions\s+)?about|processing)\s+this\s+(?:document|page|file|text|email)\s*,?\s*(?:you\s+must|always|say|tell|include|respond|reply|write)",
    # German
    r"\b(?:ignorier|vergiss|vergessen\s+sie|missachte|überschreib|verwirf)\w*\s+(?:\w+\s+){0,3}?(?:vorherig|bisherig|obig|vorangegangen|früher|vorig|ursprünglich|alt)\w*\s+(?:\w+\s+){0,1}?(?:anweisung|instruktion|regel|befehl|vorgabe|prompt)\w*",
    r"\b(?:du\s+bist|sie\s+sind)\s+(?:jetzt|nun|ab\s+sofort)\s+(?:\w+\s+){0,2}?(?:ki|assistent|modell|chatbot|bot|dan|uneingeschränkt)",
    r"\bab\s+(?:jetzt|sofort)\s+(?:bist\s+du|antwortest\s+du|verhältst\s+du\s+dich|sollst\s+du|wirst\s+du)",
    r"\bneue\s+(?:system)?(?:anweisungen|instruktionen|regeln|aufgabe)\s*:",
    r"\b(?:sag|sage|verrate|erzähl|erzähle|sagen\s+sie)\w*\s+(?:das\s+|es\s+)?(?:dem|der)\s+(?:benutzer|nutzer|anwender)\w*\s+nicht",
    r"\bantworte\w*\s+(?:nur|ausschließlich|lediglich)\s+mit",
    r"\b(?:gib|zeig|verrate|wiederhole)\w*\s+(?:deinen|den|deine)\s+(?:system[-\s]?prompt|anweisungen)",
    # French
    r"\b(?:ignore|oublie|néglige|outrepasse)\w*\s+(?:\w+\s+){0,3}?(?:instructions?|consignes?|règles|directives)\s+(?:\w+\s+){0,1}?(?:précédentes|antérieures|ci-dessus|initiales|d'origine|du\s+système)",
    r"\b(?:ignore|oublie)\w*\s+(?:toutes\s+)?(?:tes|vos)\s+(?:instructions?|consignes?|règles)",
    r"\b(?:tu\s+es|vous\s+êtes)\s+(?:maintenant|désormais|dorénavant)\s+(?:\w+\s+){0,2}?(?:ia|assistant|modèle|chatbot|bot|dan|sans\s+restriction)",
    r"\b(?:à\s+partir\s+de\s+maintenant|désormais|dorénavant)\s*,?\s*(?:tu|vous)\s+(?:dois|devez|réponds|répondez|es|êtes)\b",
    r"\bnouvelles\s+(?:instructions|consignes|règles)\s*:",
    r"\bne\s+(?:le\s+|la\s+|les\s+|rien\s+)?(?:dis|dites|révèle|révélez|mentionne|mentionnez)\s+(?:pas\s+|rien\s+)?(?:à|a)\s+l'utilisat",
    r"\b(?:réponds|répondez)\s+(?:uniquement|seulement|exclusivement)\s+(?:par|avec)",
    r"\b(?:révèle|affiche|répète|donne)\w*\s+(?:moi\s+)?(?:ton|votre|le)\s+(?:prompt\s+système|prompt\s+système|message\s+système|instructions\s+système)",
    # Spanish
    r"\b(?:ignora|olvida|omite|descarta|desobedece)\w*\s+(?:\w+\s+){0,3}?(?:instrucciones|reglas|indicaciones|órdenes|directrices)\s+(?:\w+\s+){0,1}?(?:anteriores|previas|de\s+arriba|originales|del\s+sistema)",
    r"\b(?:ignora|olvida)\w*\s+(?:todas\s+)?(?:tus|sus)\s+(?:instrucciones|reglas|indicaciones)",
    r"\b(?:ahora\s+eres|ahora\s+es\s+usted|a\s+partir\s+de\s+ahora\s+eres)\s+(?:\w+\s+){0,2}?(?:ia|asistente|modelo|chatbot|bot|dan|sin\s+restricciones)",
    r"\b(?:a\s+partir\s+de\s+ahora|de\s+ahora\s+en\s+adelante)\s*,?\s*(?:debes|responde|responderás|actúa|actuarás|eres)\b",
    r"\bnuevas\s+(?:instrucciones|reglas|indicaciones)\s*:",
    r"\bno\s+(?:le\s+)?(?:digas|diga|cuentes|reveles|menciones)\s+(?:nada\s+)?(?:esto\s+)?(?:al|a\s+el)\s+usuario",
    r"\bresponde\w*\s+(?:solo|solamente|únicamente|exclusivamente)\s+con",
    r"\b(?:revela|muestra|repite|dime)\w*\s+(?:tu|el)\s+(?:prompt\s+del\s+sistema|mensaje\s+del\s+sistema|instrucciones\s+del\s+sistema)",
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _INSTRUCTIONS), _I)

_ROLE_MARKER = re.compile(
    r"<\|(?:im_start|im_end|system|user|assistant|start_header_id|end_header_id|eot_id|endoftext|begin_of_text)\|>"
    r"|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>|\[/?(?:SYSTEM|ASSISTANT)\]",
    re.IGNORECASE,
)
_FAKE_SYSTEM = re.compile(
    r"^[ \t>]*#{1,6}[ \t]*(?:system|assistant|developer)"
    r"(?:[ \t]+(?:prompt|message|instructions?))?[ \t]*:?[ \t]*$"
    r"|^[ \t>]*(?:system|assistant|developer)(?:[ \t]+(?:prompt|message))?[ \t]*:[ \t]*"
    r"(?:you\b|ignore|disregard|from\s+now|new\b|the\s+user|always|never|do\s+not)"
    r"|</?(?:system|system_prompt|system-prompt|sys|instructions?)>",
    re.MULTILINE | re.IGNORECASE,
)
_FAKE_SYSTEM_STRICT = re.compile(r"^[ \t>]*SYSTEM[ \t]*:", re.MULTILINE)  # uppercase only

_URL = re.compile(r"https?://[^\s)\]>\"']+", re.IGNORECASE)
_MD_IMAGE = re.compile(r"!\[[^\]]{0,200}\]\(\s*(https?://[^\s)]+)", re.IGNORECASE)
# A slot for the model to fill: "{chat}" anywhere in the URL (but not a server's own "%{VAR}" or
# "${map:key}", which Apache and shell docs are full of), or in the query "%7B", "[DATA]", "<secret>",
# "QUESTION_TEXT". Case matters: "group_id=97492" is an ordinary query.
_SLOT = re.compile(r"(?<![%$]){[^{}]*}")
_QUERY_SLOT = re.compile(r"%7[bB]|\[[A-Z_ ]{3,}\]|<[a-z_]+>|\b[A-Z]{2,}_[A-Z_]{2,}\b")
# Soft hyphens, byte-order marks, emoji joiners and presentation selectors turn up in ordinary web
# and PDF text; a few of them say nothing. Tag characters and direction overrides never do.
_EVERYDAY_INVISIBLE = str.maketrans("", "", "\u00ad\ufeff\u200d\ufe0f\u200b")
_SMUGGLING = re.compile("[\U000e0000-\U000e01ef\u202a-\u202e\u2066-\u2069]")
_HIDDEN_MIN = 8
_LONG_QUERY = 100
_IMAGE_QUERY = 40
_BLOB = re.compile(r"[A-Za-z0-9+/_-]{200,}={0,2}")
# A phrase quoted as an example is a mention, not an instruction.
_MENTION_CUE = re.compile(
    r"(?:such\s+as|like|e\.g\.|for\s+example|for\s+instance|called|known\s+as|phrases?|words?|"
    r"wie|zum\s+beispiel|z\.\s?b\.|comme|par\s+exemple|como|por\s+ejemplo)\s*[:,]?\s*[\"“„«‘']\s*$",
    re.IGNORECASE,
)
# ... and so is one that describes what an attack tries to do ("text that tries to override ...").
_DESCRIBED = re.compile(
    r"\b(?:tries|try|trying|attempts?|attempting|designed|meant|used|aims?|aiming|wants?)\s+to\s+$",
    re.IGNORECASE,
)


def scan(text: str) -> tuple[Flag, ...]:
    """What in `text` looks addressed to the model rather than the reader; empty when clean."""
    flags: list[Flag] = []
    hidden = count_invisible(text.translate(_EVERYDAY_INVISIBLE))
    if _SMUGGLING.search(text) or hidden >= _HIDDEN_MIN:
        flags.append(Flag(INVISIBLE, f"{hidden} invisible character{'s' if hidden != 1 else ''}"))
    # Fold width and compatibility forms and drop invisible characters, so "ｉｇｎｏｒｅ" or
    # "ig\u200bnore" read as what a model would read.
    plain = unicodedata.normalize("NFKC", strip_invisible(text))
    found = _first_instruction(plain)
    if found:
        flags.append(Flag(INSTRUCTION, found))
    marker = _ROLE_MARKER.search(plain)
    if marker:
        flags.append(Flag(ROLE_MARKER, _span(marker.group())))
    system = _FAKE_SYSTEM.search(plain) or _FAKE_SYSTEM_STRICT.search(plain)
    if system:
        flags.append(Flag(FAKE_SYSTEM, _span(system.group().strip())))
    link = _exfiltration_link(plain)
    if link:
        flags.append(Flag(EXFILTRATION, link))
    blob = _BLOB.search(plain)
    if blob:
        flags.append(Flag(ENCODED, f"{len(blob.group())} characters: {blob.group()[:24]}…"))
    return tuple(flags)


def _first_instruction(text: str) -> str:
    for match in _INSTRUCTION.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if _MENTION_CUE.search(before) or _DESCRIBED.search(before):
            continue
        return _span(match.group())
    return ""


def carries_data_out(url: str, *, image: bool = False) -> bool:
    """Whether `url` looks built to send data somewhere: a placeholder for the model to fill in,
    or a long query string (shorter for an image, which a viewer loads without a click)."""
    query = url.partition("?")[2]
    if _SLOT.search(url) or (query and _QUERY_SLOT.search(query)):
        return True
    return len(query) > (_IMAGE_QUERY if image else _LONG_QUERY)


def _exfiltration_link(text: str) -> str:
    for match in _MD_IMAGE.finditer(text):
        if carries_data_out(match.group(1), image=True):
            return _span(match.group())
    for match in _URL.finditer(text):
        if carries_data_out(match.group()):
            return _span(match.group())
    return ""


def _span(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= SPAN_CHARS else one_line[: SPAN_CHARS - 1] + "…"
