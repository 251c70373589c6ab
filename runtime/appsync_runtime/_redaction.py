"""Keeping secrets out of what errors, log lines and hook records carry.

One :class:`Scrubber` per call (or real-time connection) holds the exact secret
values known there: API key, JWTs, Lambda token, access key id, secret key, session
token, the SigV4 signature and the whole ``Authorization`` header. It masks, in any
text it is given,

- each value raw and stripped (a token read from a file keeps its newline), and its
  base64 and base64url encodings at each of the three byte alignments (so the value
  is found inside any base64-encoded framing, such as the real-time connect header),
  percent-encoded (``quote`` and ``quote_plus``) and JSON-escaped (``\\/`` included);
- the same inside a decoded view of the text (``%XX``, ``\\uXXXX`` and ``\\``
  escapes undone, twice), which catches fully escaped and doubly encoded echoes;
- any 12 characters in a row of any of those forms (a partial echo), as well as whole
  values of 8 to 11 characters;

after masking what looks secret whatever its value (:data:`_PATTERNS`: JWTs, ``da2-``
keys, ``Signature=``, ``Credential=``, security-token and authorization header echoes,
AppSync's canonical string). Text is scrubbed first and cut afterwards, and where it
is cut, the 4 to 11 characters before the cut are masked too when they belong to a
secret, so no cut leaves a recognisable fragment behind.

:data:`NO_SECRETS` knows no values and applies the patterns only.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from .errors import AppSyncError, GraphQLErrorEntry

__all__ = [
    "MAX_BODY",
    "MAX_MESSAGE",
    "NO_SECRETS",
    "PLAIN_HEADERS",
    "SECRET_HEADERS",
    "RedactedCause",
    "Scrubber",
    "redact",
    "secret_header_values",
]

MASK = "***"
ELLIPSIS = "..."
MAX_MESSAGE = 500
"""Characters of server text kept in a message."""
MAX_BODY = 2048
"""Bytes of a response body kept on an error."""
MIN_SECRET = 8
"""Shorter values are not treated as secrets (they would mask ordinary words)."""
MIN_RUN = 12
"""A run of this many characters of a secret's form is masked wherever it appears."""
_GRAM = 6  # MIN_RUN // 2: every run of MIN_RUN holds a gram starting at a multiple of it
_EDGE = 4  # the shortest secret fragment masked at a cut
_INDEX_FROM = 8192  # forms longer than this together are searched through an index
_LONG = 128  # a secret this long gets its own indexed target, cached
_MAX_HITS = 64  # places of one gram tried in the forms (bounds pathological secrets)
_MAX_DEPTH = 200  # JSON nesting scrubbed value by value; deeper is scrubbed as text
_SEP = "\x00"
_MARGIN = 64  # characters decoded either side of an escape
_SEEDS_FROM = 256  # a text this long is searched by the set of its grams

# (pattern, replacement, words one of which the lower-cased text must hold for the
# pattern to be tried at all: case-insensitive patterns are slow on long text)
_PATTERNS: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    # The canonical string AppSync quotes on a signature mismatch includes the
    # session token and every signed header: drop everything from there on.
    (
        re.compile(r"(?is)(The Canonical String for this request should have been).*"),
        r"\1 ...",
        ("canonical string",),
    ),
    (
        re.compile(
            r"(?i)(?<![\w-])(authorization|x-api-key|x-amz-security-token)"
            r"([\"']?\s*[:=]\s*[\"']?)(?:(?:Bearer|Basic)\s+)?[^\s,;\"'&]+"
        ),
        r"\1\2***",
        ("authorization", "x-api-key", "x-amz-security-token"),
    ),
    (re.compile(r"(?i)(Signature=)[0-9a-f]+"), r"\1***", ("signature=",)),
    (re.compile(r"(?i)(Credential=)[^\s,/&]+"), r"\1***", ("credential=",)),
    (re.compile(r"(?<![\w-])eyJ[\w-]*\.[\w-]+\.[\w-]*"), "<jwt>", ("eyj",)),
    (re.compile(r"\bda2-[a-z0-9]{20,}\b"), "da2-***", ("da2-",)),
)

# Headers a strategy returns that hold nothing secret.
PLAIN_HEADERS = frozenset(
    (
        "host",
        "x-amz-date",
        "x-amz-content-sha256",
        "content-type",
        "content-length",
        "accept",
        "user-agent",
        "date",
    )
)
# Headers that authorize a request wherever they are set (the client's defaults too).
SECRET_HEADERS = frozenset(("authorization", "x-api-key", "x-amz-security-token", "cookie"))

_SIGNATURE = re.compile(r"(?i)Signature=([0-9a-f]+)")
_CREDENTIAL = re.compile(r"(?i)Credential=([^\s,/]+)")
_SCHEME_TOKEN = re.compile(r"^\s*[A-Za-z][\w-]*\s+(\S+)\s*$")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\\[\\/\"bfnrt]")
_SIMPLE_ESCAPES = {"\\": "\\", "/": "/", '"': '"', "b": "\b", "f": "\f", "n": "\n", "r": "\r"}
_SIMPLE_ESCAPES["t"] = "\t"


def _patterns(text: str) -> str:
    lowered = text.lower()
    for pattern, replacement, words in _PATTERNS:
        if any(word in lowered for word in words):
            text = pattern.sub(replacement, text)
            lowered = text.lower()
    return text


def _parts(value: str) -> tuple[list[str], list[str]]:
    """The secrets in ``value``: (values searched in every form and in part, values
    searched for exactly). A SigV4 ``Authorization`` header is searched whole, its
    signature and access key id in every form; so is the token after an auth scheme
    (``Bearer ...``) and each value of a cookie header."""
    whole = [value, value.strip()]
    parts: list[str] = []  # the stripped form is one of each value's forms
    if _SIGNATURE.search(value) is not None:
        parts += _SIGNATURE.findall(value)
        parts += _CREDENTIAL.findall(value)
        exact = whole
    else:
        parts.append(value)
        exact = []
        match = _SCHEME_TOKEN.match(value)
        if match is not None:
            parts.append(match.group(1))
        if "=" in value and ";" in value:  # a cookie header: name=value; name=value
            parts += [item.split("=", 1)[1].strip() for item in value.split(";") if "=" in item]
    return (
        [part for part in parts if len(part) >= MIN_SECRET],
        [part for part in exact if len(part) >= MIN_SECRET],
    )


@functools.lru_cache(maxsize=256)
def _forms(value: str) -> frozenset[str]:
    """Every form of ``value`` (and of it stripped) that is searched for (module
    docstring)."""
    stripped = value.strip()
    if stripped != value:
        return _forms(value.strip()) | _forms_of(value)
    return _forms_of(value)


def _forms_of(value: str) -> frozenset[str]:
    import base64
    from urllib.parse import quote, quote_plus

    forms = {value}
    raw = value.encode("utf-8", "surrogatepass")
    for shift in range(3):
        encoded = base64.b64encode(b"\x00" * shift + raw).decode("ascii")
        encoded = encoded[4 if shift else 0 :]
        if (shift + len(raw)) % 3:  # the last group depends on what follows the value
            encoded = encoded[:-4]
        forms.add(encoded)
        forms.add(encoded.replace("+", "-").replace("/", "_"))
    for escaped in (quote(value, safe=""), quote_plus(value, safe="")):
        forms.add(escaped)
        forms.add(re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), escaped))
    as_json = json.dumps(value)[1:-1]
    forms.update(
        (as_json, as_json.replace("/", "\\/"), json.dumps(value, ensure_ascii=False)[1:-1])
    )
    # bodies are searched as latin-1 text: a non-ASCII value appears as its UTF-8 bytes
    forms.update([form.encode("utf-8", "surrogatepass").decode("latin-1") for form in forms])
    return frozenset(form for form in forms if len(form) >= MIN_SECRET)


class _Target:
    """The forms of some secrets joined into one string to search, with an index of
    its 6-character grams once it is long (built on first use)."""

    __slots__ = ("_index", "indexed", "joined")

    def __init__(self, forms: Iterable[str], *, indexed: bool = False) -> None:
        self.joined = _SEP + _SEP.join(sorted(forms)) + _SEP
        self._index: dict[str, list[int]] | None = None
        self.indexed = indexed or len(self.joined) > _INDEX_FROM

    def places(self, gram: str) -> Iterable[int]:
        """Where ``gram`` starts in :attr:`joined` (at most _MAX_HITS places)."""
        index = self._index
        if index is not None:
            return index.get(gram, ())
        joined = self.joined
        if self.indexed:
            return self._build().get(gram, ())
        found = joined.find(gram)
        if found < 0:
            return ()
        places = [found]
        found = joined.find(gram, found + 1)
        while found >= 0 and len(places) < _MAX_HITS:
            places.append(found)
            found = joined.find(gram, found + 1)
        return places

    def index(self) -> dict[str, list[int]]:
        """Every gram of :attr:`joined`, with where it starts (built once)."""
        index = self._index
        return self._build() if index is None else index

    def _build(self) -> dict[str, list[int]]:
        joined = self.joined
        index: dict[str, list[int]] = {}
        for position in range(len(joined) - _GRAM + 1):
            gram = joined[position : position + _GRAM]
            places = index.get(gram)
            if places is None:
                index[gram] = [position]
            elif len(places) < _MAX_HITS:
                places.append(position)
        self._index = index
        return index


@functools.lru_cache(maxsize=128)
def _target(value: str) -> _Target:
    """The target of one long secret: its forms and their index live as long as the
    secret is in use (a session token, a long-lived API key)."""
    return _Target(_forms(value), indexed=True)


def _decoded(text: str) -> tuple[str, list[int]] | None:
    """``text`` with ``%XX``, ``\\uXXXX`` and backslash escapes undone, and where each
    character of that view starts in ``text`` (one entry more: ``len(text)``); None
    when there is nothing to undo."""
    if "%" not in text and "\\" not in text:
        return None
    pieces: list[str] = []
    starts: list[int] = []
    position = 0
    for match in _ESCAPE.finditer(text):
        begin = match.start()
        if begin > position:
            pieces.append(text[position:begin])
            starts.extend(range(position, begin))
        token = match.group()
        if token[0] == "%":
            pieces.append(chr(int(token[1:], 16)))
        elif token[1] == "u":
            pieces.append(chr(int(token[2:], 16)))
        else:
            pieces.append(_SIMPLE_ESCAPES[token[1]])
        starts.append(begin)
        position = match.end()
    if not starts:
        return None
    pieces.append(text[position:])
    starts.extend(range(position, len(text)))
    starts.append(len(text))
    return "".join(pieces), starts


def _escaped_regions(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds escapes: spans around them (_MARGIN characters either
    side), merged; only these are decoded, so a long text with a few escapes costs
    little."""
    if "%" not in text and "\\" not in text:
        return []
    regions: list[tuple[int, int]] = []
    size = len(text)
    for match in _ESCAPE.finditer(text):
        begin, end = max(0, match.start() - _MARGIN), min(size, match.end() + _MARGIN)
        if regions and begin <= regions[-1][1]:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((begin, end))
    return regions


def _common_after(a: str, i: int, b: str, j: int) -> int:
    """How many characters ``a[i:]`` and ``b[j:]`` have in common at their start."""
    count = 0
    limit = min(len(a) - i, len(b) - j)
    step = 256
    while step:
        while (
            count + step <= limit
            and a[i + count : i + count + step] == b[j + count : j + count + step]
        ):
            count += step
        step //= 4
    return count


def _common_before(a: str, i: int, b: str, j: int) -> int:
    """How many characters ``a[:i]`` and ``b[:j]`` have in common at their end."""
    count = 0
    limit = min(i, j)
    step = 256
    while step:
        while (
            count + step <= limit
            and a[i - count - step : i - count] == b[j - count - step : j - count]
        ):
            count += step
        step //= 4
    return count


def _extend(view: str, at: int, joined: str, place: int, spans: list[tuple[int, int]]) -> int:
    """The gram at ``view[at:]`` is the one at ``joined[place:]``: add the span of
    their common run when it is at least MIN_RUN long; return where it ends (0 when
    it is shorter)."""
    left = _common_before(view, at, joined, place)
    right = _common_after(view, at + _GRAM, joined, place + _GRAM)
    if left + _GRAM + right < MIN_RUN:
        return 0
    spans.append((at - left, at + _GRAM + right))
    return at + _GRAM + right


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged: list[tuple[int, int]] = []
    for begin, end in spans:
        if merged and begin <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((begin, end))
    return merged


class RedactedCause(Exception):
    """Stands in for an exception in an error's ``__cause__``/``__context__`` chain
    whose text held a secret: its type name and scrubbed text, its traceback."""


class Scrubber:
    """Masks the secrets it was given (and anything secret-looking) in text, bytes,
    JSON values, GraphQL error entries and errors (module docstring)."""

    __slots__ = ("_args", "_edges", "_exact", "_short", "_source", "_targets", "_values")

    def __init__(
        self, secrets: Iterable[str] | Callable[..., Iterable[str]] = (), *args: Any
    ) -> None:
        """``secrets``: the values, or a callable giving them (called with ``args``)
        when first needed: making a scrubber that is never used costs next to
        nothing."""
        self._source: Iterable[str] | Callable[..., Iterable[str]] | None = secrets
        self._args = args
        self._targets: tuple[_Target, ...] | None = None  # the rest is set on first use

    def _resolve(self) -> None:
        source = self._source
        if source is None:
            return
        self._source = None
        values: dict[str, None] = {}
        exact: dict[str, None] = {}
        for secret in source(*self._args) if callable(source) else source:
            if isinstance(secret, str):  # pyright: ignore[reportUnnecessaryIsInstance]
                parts, whole = _parts(secret)
                values.update(dict.fromkeys(parts))
                exact.update(dict.fromkeys(whole))
        self._values = tuple(values)
        # the longest first: a value that contains another is masked whole
        self._exact = tuple(sorted(exact, key=len, reverse=True))

    def __repr__(self) -> str:
        self._resolve()
        return f"Scrubber(<{len(self._values) + len(self._exact)} secrets>)"

    def __bool__(self) -> bool:
        self._resolve()
        return bool(self._values or self._exact)

    def _prepare(self) -> tuple[_Target, ...]:
        targets = self._targets
        if targets is None:
            self._resolve()
            small: set[str] = set()
            built: list[_Target] = []
            for value in self._values:
                if len(value) > _LONG:  # its own target, kept between calls
                    built.append(_target(value))
                else:  # short-lived values (a signature) are cheap to search as they are
                    small |= _forms(value)
            if small:
                built.append(_Target(small))
            self._short = tuple(
                form
                for target in built
                for form in target.joined.split(_SEP)
                if MIN_SECRET <= len(form) < MIN_RUN
            )
            self._edges = "".join(target.joined for target in built)
            targets = self._targets = tuple(built)
        return targets

    def _runs(self, view: str, targets: tuple[_Target, ...]) -> list[tuple[int, int]]:
        """Spans of ``view`` that are runs of at least MIN_RUN characters of a form.

        Every such run holds a gram starting at a multiple of _GRAM: those grams are
        looked up in the forms and the matches extended both ways."""
        size = len(view)
        if size >= _SEEDS_FROM:
            return self._runs_by_set(view, targets)
        spans: list[tuple[int, int]] = []
        covered = 0
        for at in range(0, size - _GRAM + 1, _GRAM):
            if at + _GRAM <= covered:
                continue
            gram = view[at : at + _GRAM]
            for target in targets:
                for place in target.places(gram):
                    end = _extend(view, at, target.joined, place, spans)
                    if end > covered:
                        covered = end
        return spans

    def _runs_by_set(self, view: str, targets: tuple[_Target, ...]) -> list[tuple[int, int]]:
        """:meth:`_runs` for a long text: its grams as a set, intersected with each
        target's index, so only the grams that occur in a form are looked for."""
        grams = {view[at : at + _GRAM] for at in range(0, len(view) - _GRAM + 1, _GRAM)}
        seeds: list[tuple[int, int, str]] = []  # (where in view, which target, gram)
        for number, target in enumerate(targets):
            for gram in grams & target.index().keys():
                at = view.find(gram)
                while at >= 0:
                    seeds.append((at, number, gram))
                    at = view.find(gram, at + 1)
        seeds.sort()
        spans: list[tuple[int, int]] = []
        covered = 0
        for at, number, gram in seeds:
            if at + _GRAM <= covered:
                continue
            target = targets[number]
            for place in target.index()[gram]:
                covered = max(covered, _extend(view, at, target.joined, place, spans))
        return spans

    def _spans(self, view: str, targets: tuple[_Target, ...]) -> list[tuple[int, int]]:
        spans = self._runs(view, targets) if len(view) >= MIN_RUN else []
        for form in (*self._exact, *self._short):
            found = view.find(form)
            while found >= 0:
                spans.append((found, found + len(form)))
                found = view.find(form, found + len(form))
        return spans

    def _mask(self, text: str) -> str:
        """``text`` with every known secret form, and every run of one, masked."""
        if len(text) < MIN_SECRET:
            return text
        targets = self._prepare()
        if not (self._values or self._exact):
            return text
        spans = self._spans(text, targets)
        for begin, end in _escaped_regions(text):  # escapes undone once, then twice
            self._decoded_spans(text[begin:end], begin, targets, spans, 2)
        if not spans:
            return text
        pieces: list[str] = []
        position = 0
        for begin, end in _merge(spans):
            pieces.append(text[position:begin])
            pieces.append(MASK)
            position = end
        pieces.append(text[position:])
        return "".join(pieces)

    def _decoded_spans(
        self,
        chunk: str,
        offset: int,
        targets: tuple[_Target, ...],
        spans: list[tuple[int, int]],
        depth: int,
    ) -> None:
        """Add the spans (of the text ``chunk`` starts at ``offset`` in) of secrets
        found in ``chunk`` with its escapes undone, ``depth`` times over."""
        decoded = _decoded(chunk)
        if decoded is None:
            return
        view, starts = decoded
        found = self._spans(view, targets)
        if depth > 1:
            for begin, end in _escaped_regions(view):
                self._decoded_spans(view[begin:end], begin, targets, found, depth - 1)
        spans += [(offset + starts[begin], offset + starts[end]) for begin, end in found]

    def _edge(self, text: str) -> str:
        """``text`` about to end at a cut: mask its last 4 to 11 characters when they
        are a piece of a secret's form."""
        if len(text) < _EDGE:
            return text
        self._prepare()
        edges = self._edges
        if not edges:
            return text
        for size in range(min(MIN_RUN - 1, len(text)), _EDGE - 1, -1):
            tail = text[-size:]
            if _SEP not in tail and tail in edges:
                return text[:-size] + MASK
        return text

    def text(self, text: str, limit: int | None = None, *, patterns: bool = True) -> str:
        """``text`` scrubbed (patterns too unless ``patterns`` is False), then cut to
        ``limit`` characters plus ``"..."``."""
        cut = False
        if limit is not None and len(text) > 2 * limit + 64:  # bounds the work
            text, cut = text[: 2 * limit + 64], True
        if patterns:
            text = _patterns(text)
        text = self._mask(text)
        if limit is not None and len(text) > limit:
            text, cut = text[:limit], True
        elif not cut and text.endswith(ELLIPSIS):  # cut earlier, by a scrubber without values
            return self._edge(text[: -len(ELLIPSIS)]) + ELLIPSIS
        return self._edge(text) + ELLIPSIS if cut else text

    def data(self, content: bytes, limit: int | None = None) -> bytes:
        """Bytes (a response body) scrubbed, then cut to ``limit`` bytes."""
        text = content.decode("latin-1")
        cut = False
        if limit is not None and len(text) > 2 * limit + 64:
            text, cut = text[: 2 * limit + 64], True
        text = self._mask(_patterns(text))
        if limit is not None and len(text) > limit:
            text, cut = text[:limit], True
        if cut:
            text = self._edge(text)
        return text.encode("latin-1")

    def value(self, value: Any, *, patterns: bool = True, depth: int = 0) -> Any:
        """A JSON value with every string (keys too) scrubbed, not cut."""
        if isinstance(value, str):
            return self.text(value, patterns=patterns)
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if depth >= _MAX_DEPTH:
            try:
                dumped = json.dumps(value, default=str)
            except (ValueError, TypeError, RecursionError):
                return f"(a {type(value).__name__} nested too deep)"
            return self.text(dumped, patterns=patterns)
        deeper = depth + 1
        if isinstance(value, Mapping):
            items: Mapping[Any, Any] = value  # pyright: ignore[reportUnknownVariableType]
            return {
                (self.text(key, patterns=patterns) if isinstance(key, str) else key): self.value(
                    item, patterns=patterns, depth=deeper
                )
                for key, item in items.items()
            }
        if isinstance(value, (list, tuple)):
            members: list[Any] | tuple[Any, ...] = value  # pyright: ignore[reportUnknownVariableType]
            scrubbed = [self.value(item, patterns=patterns, depth=deeper) for item in members]
            return scrubbed if isinstance(value, list) else tuple(scrubbed)
        return value

    def entry(self, entry: GraphQLErrorEntry, limit: int | None = None) -> GraphQLErrorEntry:
        """Every field of a GraphQL error entry scrubbed; the message cut to ``limit``."""
        value = self.value
        return GraphQLErrorEntry(
            message=self.text(entry.message, limit),
            error_type=self.text(entry.error_type, 200) if entry.error_type is not None else None,
            error_info=value(entry.error_info),
            path=tuple(value(entry.path)) if entry.path is not None else None,
            locations=tuple(value(entry.locations)) if entry.locations is not None else None,
            data=value(entry.data),
            extensions=value(entry.extensions) if entry.extensions is not None else None,
        )

    def error(self, error: BaseException) -> BaseException:
        """Scrub ``error`` in place: its message, arguments and every attribute, and
        its ``__cause__``/``__context__`` chain (an outside exception whose text held a
        secret is replaced by a :class:`RedactedCause`). Returns ``error``."""
        self._error(error, {})
        return error

    def _error(self, error: BaseException, seen: dict[int, BaseException]) -> BaseException:
        known = seen.get(id(error))
        if known is not None:
            return known
        seen[id(error)] = error
        if isinstance(error, AppSyncError):
            self._appsync_error(error)
        else:
            try:
                text = str(error)
            except Exception:  # a broken __str__: say nothing of it
                text = ""
            clean = self.text(text)
            if clean != text:
                stand_in = RedactedCause(f"{type(error).__qualname__}: {clean}")
                stand_in.__traceback__ = error.__traceback__
                stand_in.__suppress_context__ = error.__suppress_context__
                seen[id(error)] = stand_in
                stand_in.__cause__ = self._link(error.__cause__, seen)
                stand_in.__context__ = self._link(error.__context__, seen)
                return stand_in
        error.__cause__ = self._link(error.__cause__, seen)
        error.__context__ = self._link(error.__context__, seen)
        return error

    def _link(
        self, link: BaseException | None, seen: dict[int, BaseException]
    ) -> BaseException | None:
        return None if link is None else self._error(link, seen)

    def _appsync_error(self, error: AppSyncError) -> None:
        state: dict[str, Any] = vars(error)
        for name, value in list(state.items()):
            if name == "data":
                state[name] = self.value(value, patterns=False)
            elif name == "errors" and isinstance(value, tuple):
                entries: tuple[Any, ...] = value  # pyright: ignore[reportUnknownVariableType]
                state[name] = tuple(
                    self.entry(item) if isinstance(item, GraphQLErrorEntry) else item
                    for item in entries
                )
            elif isinstance(value, str):
                state[name] = self.text(value)
            elif isinstance(value, bytes):
                state[name] = self.data(value)
            elif isinstance(value, (list, tuple, dict)):
                state[name] = self.value(value)
        error.args = tuple(self.text(arg) if isinstance(arg, str) else arg for arg in error.args)


NO_SECRETS = Scrubber()
"""Knows no values: masks what looks secret (:data:`_PATTERNS`) and cuts."""


def redact(text: str, limit: int | None = MAX_MESSAGE) -> str:
    """Remove anything secret-looking from server text, then cut it to ``limit``."""
    return NO_SECRETS.text(text, limit)


def secret_header_values(
    headers: Mapping[str, str], *, only_secret_names: bool = False
) -> list[str]:
    """The values of ``headers`` that may be secret: those of a strategy's headers
    except plain ones (``X-Amz-Date``), or with ``only_secret_names`` those of
    ``Authorization``, ``x-api-key``, ``X-Amz-Security-Token`` and ``Cookie``."""
    values: list[str] = []
    for name, value in headers.items():
        lowered = name.lower()
        if lowered in SECRET_HEADERS if only_secret_names else lowered not in PLAIN_HEADERS:
            values.append(value)
    return values
