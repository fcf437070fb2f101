"""Eligibility text -> inclusion and exclusion criteria, each with its nested sub-items.

Real ClinicalTrials.gov text mixes bullets (`*`, `-`, `•`), numbering (`1.`, `1:`, `1)`,
`(a)`, `a.`, `ii.`), headers in many spellings or none at all, in-list headings ("Hematologic:"),
continuation lines and sub-items. The parser never raises and never drops text: what it cannot
place becomes a criterion of the current kind, a heading, or a continuation of the item above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Criterion, CriterionKind

_HEADER = re.compile(
    r"""^\W*(?:(?:key|main|major|general|other|additional|specific|patient'?s?|resident|staff
              |participant|subject|study)\s+)*
        (?P<kind>non[-\s]?inclusion|inclusion|exclusion|eligibility)s?
        (?:\s+and\s+exclusion)?\s+criteri(?:a|on)\b
        (?P<rest>.*)$""",
    re.I | re.X,
)
_GLUED_HEADER = re.compile(
    r"(?<=[\w).])\s+((?:(?:Additional|Key)\s+(?i:inclusion|exclusion)|Inclusion|Exclusion|INCLUSION|EXCLUSION)\s+[Cc]riteria\b[^:\n]{0,60}:)\s*$"
)
_SWITCH = re.compile(
    r"^(?:(?P<exclusion>exclusions?|[^:]{0,60}\b(?:will be|are|is) (?:excluded|not eligible|ineligible)\b[^:]{0,40})"
    r"|(?P<inclusion>inclusions?|[^:]{0,60}\b(?:will be|are|is) (?:included|eligible)\b[^:]{0,40}))\s*:$",
    re.I,
)
_BULLET = r"[-*•·▪◦●‣–—]"
_ENUMERATOR = r"(?:\d{1,2}[.):](?!\d)|\(\d{1,2}\)|\([a-zA-Z]\)|[a-zA-Z][.)](?=\s)|\(?[ivxIVX]{1,4}[.)](?=\s))"
_MARKER = re.compile(rf"^(?P<marker>(?:{_BULLET}|{_ENUMERATOR})(?:\s*(?:{_BULLET}|{_ENUMERATOR}))*)\s*")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # "\>=", "\[", "\&": any escaped ASCII punctuation
_SENTENCE_END = re.compile(r"[.;!?]\s*$")
_NOTE = re.compile(r"(?i)^(?:notes?|nb|n\.b\.|please note|remark)\s*[:.-]")
_PLAIN_QUALIFIERS = {"key", "main", "major", "general", "other", "additional", "specific"}


@dataclass
class _Item:
    kind: CriterionKind
    text: str
    heading: str
    indent: int
    style: str
    details: list[str] = field(default_factory=list)
    detail_indent: int | None = None


def parse_criteria(text: str) -> tuple[Criterion, ...]:
    """Split an eligibility section into criteria, in order, inclusion and exclusion."""
    parser = _Parser()
    for raw_line in unescape_markdown(text or "").replace("\r", "\n").split("\n"):
        parser.feed(raw_line)
    return parser.finish()


def unescape_markdown(text: str) -> str:
    """ClinicalTrials.gov writes record text as Markdown: "TPS \\>=50%" means "TPS >=50%"."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


def is_section_heading(heading: str) -> bool:
    """ "Exclusions", "Subjects will be included if": a heading that only says the kind."""
    return bool(_SWITCH.match(heading.rstrip(":").strip() + ":"))


def _style(marker: str) -> str:
    """The kind of marker, so "1." items and "a." sub-items can be told apart."""
    last = marker.split()[-1] if marker.split() else marker
    if re.fullmatch(_BULLET, last[:1]):
        return "bullet:" + last[:1]
    if re.search(r"\d", last):
        return "number"
    if re.fullmatch(r"\(?[ivxIVX]{1,4}[.)]", last):
        return "roman"
    return "letter"


class _Parser:
    def __init__(self) -> None:
        self.kind: CriterionKind = "inclusion"
        self.heading = ""
        self.heading_used = True
        self.items: list[_Item] = []
        self.current: _Item | None = None
        self.top_indent: int | None = None
        self.top_style: str | None = None

    def feed(self, raw_line: str) -> None:
        glued = _GLUED_HEADER.search(raw_line)
        if glued and len(raw_line[: glued.start()].split()) >= 3:
            # "... within the catchment area Inclusion criteria for the main group:": the
            # record lost a line break; the header starts a section of its own.
            self.feed(raw_line[: glued.start()])
            self.feed(glued[1])
            return
        expanded = raw_line.expandtabs(4)
        line = " ".join(expanded.split())
        if not line:
            return
        indent = len(expanded) - len(expanded.lstrip())
        header = _HEADER.match(line)
        marker = _MARKER.match(line)
        if header and self._is_header(line, header) and not (
            marker and header["rest"].strip(" :") and not line.endswith(":")
        ):
            self._start_section(header)
            return
        body = line[marker.end():] if marker else line
        if _NOTE.match(body) and self.current is not None:
            # "Note: ..." explains the item above it: it belongs to that item, not beside it.
            self.current.details.append(body)
            return
        if marker and marker.end() < len(line):
            self._marked(line[marker.end():], indent, _style(marker["marker"]))
        elif marker:
            return  # a lone bullet or number: nothing to keep
        else:
            self._unmarked(line, indent)

    def _is_header(self, line: str, header: re.Match[str]) -> bool:
        rest = header["rest"].strip()
        return len(line) <= 120 and (not rest or rest.startswith((":", "-", "(", "*")) or len(rest) < 60)

    def _start_section(self, header: re.Match[str]) -> None:
        word = header["kind"].lower()
        if word.startswith("exclusion") or word.startswith("non"):
            self.kind = "exclusion"
        elif word.startswith("inclusion"):
            self.kind = "inclusion"
        self._flush_unused_heading()
        self.current = None
        self.top_indent = self.top_style = None
        rest = header["rest"].strip().lstrip(":-* ").strip()
        qualifier = header.string[: header.start("kind")].strip(" *-").lower()
        qualified = bool(qualifier) and (not set(qualifier.split()) <= _PLAIN_QUALIFIERS or bool(rest))
        if qualified or (rest.startswith("(") and len(rest) < 50):
            # "Staff inclusion criteria", "Inclusion criteria (control group):" say whom the
            # list is for: keep that as the heading of the items that follow.
            self.heading, self.heading_used = header.string.strip(" *-"), True
            return
        if rest:
            self._unmarked(rest, 0)

    def _marked(self, text: str, indent: int, style: str) -> None:
        if self.top_indent is None:
            self.top_indent, self.top_style = indent, style
        parent = self.current
        if parent is not None and self._is_sub_item(parent, indent, style):
            parent.details.append(text)
            parent.detail_indent = indent
            return
        if indent < (self.top_indent or 0) or (indent == self.top_indent and style != self.top_style
                                              and parent is None):
            self.top_indent, self.top_style = indent, style
        self._new_item(text, indent, style)

    def _is_sub_item(self, parent: _Item, indent: int, style: str) -> bool:
        if indent > parent.indent + 1:
            return True
        if parent.detail_indent is not None and indent < parent.detail_indent and indent <= parent.indent:
            return False  # back out of an indented sub-list to the parent's own level
        if parent.detail_indent is not None and indent >= parent.detail_indent and style != self.top_style:
            return True
        opens_list = parent.text.rstrip().endswith(":") or (parent.details and parent.details[-1].endswith(":"))
        return style != self.top_style and indent >= parent.indent and bool(opens_list)

    def _unmarked(self, text: str, indent: int) -> None:
        item = self.current
        if item is not None and self._continues(item, text, indent):
            if item.details:
                item.details[-1] = f"{item.details[-1]} {text}"
            else:
                item.text = f"{item.text} {text}"
            return
        switch = _SWITCH.match(text) if item is None or item.style != "plain" else None
        if switch and not _MARKER.match(text):
            # "Subjects will be excluded if:", "Exclusions:": a header in other words.
            self._flush_unused_heading()
            self.kind = "exclusion" if switch["exclusion"] else "inclusion"
            self.top_indent = self.top_style = None
            self.heading, self.heading_used = text, True
            self.current = None
            return
        if text.endswith(":") and len(text) <= 100:
            self._flush_unused_heading()
            self.heading, self.heading_used = text, False
            self.current = None
            return
        self._new_item(text, indent, "plain")

    def _flush_unused_heading(self) -> None:
        """A heading no item followed is kept as a criterion of its own."""
        if self.heading and not self.heading_used:
            self.items.append(_Item(self.kind, self.heading, "", 0, "plain"))
        self.heading, self.heading_used = "", True

    def _continues(self, item: _Item, text: str, indent: int) -> bool:
        if item.style == "plain":
            return text[:1].islower()
        if indent > item.indent:
            return True
        previous = item.details[-1] if item.details else item.text
        return text[:1].islower() or (not _SENTENCE_END.search(previous) and not previous.endswith(":")
                                      and text[:1] in "(≥≤<>=0123456789")

    def _new_item(self, text: str, indent: int, style: str) -> None:
        item = _Item(self.kind, text, self.heading, indent, style)
        self.items.append(item)
        self.current = item
        self.heading_used = True

    def finish(self) -> tuple[Criterion, ...]:
        self._flush_unused_heading()
        return tuple(
            Criterion(kind=i.kind, original=i.text.strip(), details=tuple(d.strip() for d in i.details),
                      heading=i.heading.rstrip(":").strip())
            for i in self.items
        )
