"""The compacted operation text means exactly what the written one does."""

from __future__ import annotations

from pathlib import Path

from graphql import DocumentNode, StringValueNode, Visitor, parse, print_ast, visit
from hypothesis import given, settings
from hypothesis import strategies as st

from appsync_codegen.compact import compact_document, split_text
from tests.support.examples import examples

ROOT = Path(__file__).parents[2]
names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).filter(
    lambda name: name not in ("true", "false", "null", "on", "fragment", "query")
)
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=12
)


def _block(text: str) -> str:
    return '"""' + text.replace('"""', '\\"""') + '"""'


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    escaped = "".join(c if ord(c) >= 0x20 or c == "\t" else f"\\u{ord(c):04x}" for c in escaped)
    return f'"{escaped}"'


values = st.recursive(
    st.one_of(
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
        st.floats(allow_nan=False, allow_infinity=False).map(lambda f: repr(f).replace("inf", "1")),
        texts.map(_string),
        # a block string cannot end in a quote: `"""a""""` closes at the first `"""`
        texts.filter(lambda t: t.strip() and "\\" not in t and not t.endswith('"')).map(_block),
        names.map(lambda n: n.upper()),
        st.sampled_from(["true", "false", "null", "$v"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(lambda items: "[" + " ".join(items) + "]"),
        st.lists(st.tuples(names, inner), max_size=3).map(
            lambda pairs: "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"
        ),
    ),
    max_leaves=6,
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    def field(depth: int) -> str:
        name = draw(names)
        alias = draw(st.none() | names)
        arguments = draw(st.lists(st.tuples(names, values), max_size=3, unique_by=lambda p: p[0]))
        text = f"{alias}: {name}" if alias else name
        if arguments:
            text += "(" + ", ".join(f"{k}: {v}" for k, v in arguments) + ")"
        if draw(st.booleans()):
            text += f" @{draw(names)}(if: {draw(values)})"
        if depth < 2 and draw(st.booleans()):
            inner = [field(depth + 1) for _ in range(draw(st.integers(1, 3)))]
            if draw(st.booleans()):
                inner.append("...F")
            if draw(st.booleans()):
                inner.append(f"... on {draw(names)} {{ {draw(names)} }}")
            text += " {\n  " + "\n  ".join(inner) + "\n}"
        return text

    kind = draw(st.sampled_from(["query", "mutation", "subscription"]))
    variables = "($v: [Int!]! = [1, 2], $w: String = " + draw(texts.map(_string)) + ")"
    body = "\n  ".join(field(0) for _ in range(draw(st.integers(1, 3))))
    comment = "# " + draw(texts).replace("\n", " ") + "\n"
    return f"{comment}{kind} Op{variables} {{\n  {body}\n}}\n\nfragment F on T {{ id, n }}\n"


def _normal(document: DocumentNode) -> str:
    class Plain(Visitor):
        def enter_string_value(self, node: StringValueNode, *_: object) -> None:
            node.block = False

    visit(document, Plain())
    return print_ast(document)


def _same_meaning(text: str) -> None:
    compact = compact_document(text)
    assert _normal(parse(compact, no_location=True)) == _normal(parse(text, no_location=True))
    assert "\n" not in compact  # comments gone, strings escaped
    assert len(compact) <= len(text)


@settings(max_examples=examples(200), deadline=None)
@given(text=documents())
def test_generated_documents_keep_their_meaning(text: str) -> None:
    _same_meaning(text)


def test_every_operation_of_the_corpus_and_the_example_keeps_its_meaning() -> None:
    paths = sorted(ROOT.glob("tests/codegen/corpus/*/operations/*.graphql"))
    paths += sorted((ROOT / "example_schema" / "operations").glob("*.graphql"))
    assert len(paths) > 20
    for path in paths:
        _same_meaning(path.read_text(encoding="utf-8"))


@settings(max_examples=examples(200), deadline=None)
@given(text=st.text(max_size=300), width=st.integers(min_value=1, max_value=60))
def test_split_pieces_join_back_and_fit(text: str, width: int) -> None:
    pieces = split_text(text, width)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= width for piece in pieces[:-1])
    assert len(pieces[-1]) <= width
