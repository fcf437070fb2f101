"""Eligibility text -> inclusion and exclusion criteria, each with its nested sub-items.

Real ClinicalTrials.gov text mixes bullets (`*`, `-`, `•`), numbering (`1.`, `1:`, `1)`,
`(a)`, `a.`, `ii.`), headers in many spellings or none at all, in-list headings ("Hematologic:",
"Caregivers:"), continuation lines and sub-items. The parser never raises and never drops text:
what it cannot place becomes a criterion of the current kind, a heading, or a continuation of
the item above.

Structure matters more than anything else here: a sheet shows each criterion as a line the
reader can tick, so a heading read as a criterion ("Exclusion:", "Participants must meet all
of the following criteria:") puts a line on the sheet that asks nothing; and a criterion that
loses its sub-group heading ("Caregivers:", "Part B only:") is put to the patient when it is
about someone else. Headings therefore go to `Criterion.heading` of every item under them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from sheets.model import Criterion, CriterionKind
from sheets.plain.headings import (
    _BARE,
    _CONNECTOR,
    _GLUED_HEADER,
    _HEADER,
    _LEAD_WORDS,
    _LONE_QUALIFIER,
    _MARKER,
    _NAMED_HEADER,
    _NOT_A_NAME,
    _NOTE,
    _OPEN_END,
    _PLAIN_QUALIFIERS,
    _SENTENCE_END,
    _SWITCH,
    _announced_kind,
    _header_kind,
    _is_group_label,
    _joined,
    _kind_of,
    _style,
    is_section_heading,
)
from sheets.sources.record import unescape_markdown


@dataclass
class _Item:
    kind: CriterionKind
    text: str
    heading: str
    indent: int
    style: str
    details: list[str] = field(default_factory=list)
    detail_indent: int | None = None
    flat: bool = False  # its sub-items sit at its own level, under a lead ending in ":"
    from_header: bool = False  # the text after "Exclusion:" on the header's own line
    took_heading: str = ""  # the heading this item was the first to use, if any
    took_group: bool = False  # whether it was the first item of its group


@dataclass
class _Section:
    """A header found on one line: the kind it switches to and what else the line says."""

    kind: CriterionKind | None
    label: str  # "Staff Inclusion Criteria": whom the list is for; "" for a plain header
    content: str  # "Pregnant women" of "Exclusion: Pregnant women": the first item
    group: str = ""  # "Parkinson's Disease (PD) group" of a numbered group's own header


@lru_cache(maxsize=32)
def parse_criteria(text: str) -> tuple[Criterion, ...]:
    """Split an eligibility section into criteria, in order, inclusion and exclusion.

    Kept for the last few texts: a sheet reads its trial's criteria in several places (the
    plain lines, the fit question, the age check), and each gets this one parse."""
    parser = _Parser()
    for raw_line in unescape_markdown(text or "").replace("\r", "\n").split("\n"):
        parser.feed(raw_line)
    return parser.finish()


_CUT_MID_PHRASE = re.compile(r"[a-z)]\s+(?:or|and)$")  # "Free of chronic disease or": cut mid-phrase


_ALTERNATIVES = re.compile(
    r"(?i)\b(?:diagnostic|diagnosis|defined|definition|evidenced|one of|either|any of|such as|as follows|"
    r"following)\b"
)
_INLINE_NUMBER = re.compile(r"(?:^|(?<=[\s,;.:]))\(?(\d{1,2})[).](?=\s*[A-Za-z(])")


def _inline_items(text: str, heading: str) -> list[tuple[str, str, bool]]:
    """ "Diabetes group: 1) Age 30-70, 2) type 2 diabetes" -> one criterion a number.

    A record that lost its line breaks numbers its criteria inline ("... adenocarcinoma
    2.Locally advanced 3.Chemotherapy-naive"). Only a run of numbers counting up from 1 or 2
    is read that way; text before a "1)" that ends in ":" heads the parts. Returns (text,
    heading, whether it is the last part, which keeps the item's sub-items).
    """
    run: list[re.Match[str]] = []
    for match in _INLINE_NUMBER.finditer(text):
        number = int(match[1])
        if (not run and number in (1, 2)) or (run and number == int(run[-1][1]) + 1):
            run.append(match)
        elif run:
            break
    if len(run) < 2 or (int(run[0][1]) == 2 and run[0].start() == 0):
        return [(text, heading, True)]
    if _ALTERNATIVES.search(text[: run[0].start()]) or re.search(r"(?i)\b(?:or|and/or)\W*$", text):
        return [(text, heading, True)]  # "as evidenced by 1) ... and/or 2) ...": one criterion
    before = text[: run[0].start()].strip(" ,;")
    parts = [text[m.end(): n.start() if n else len(text)].strip(" ,;") for m, n in zip(run, [*run[1:], None], strict=True)]
    if int(run[0][1]) == 2:
        parts.insert(0, before)  # "X 2.Y 3.Z": the first criterion has no number
    elif before:
        heading = f"{heading}: {before}" if heading else before  # "Diabetes group: 1) ... 2) ..."
    parts = [p for p in parts if p]
    return [(part, heading, index == len(parts) - 1) for index, part in enumerate(parts)]


class _Parser:
    def __init__(self) -> None:
        self.kind: CriterionKind = "inclusion"
        self.group = ""  # a label standing before a section header: "For community patients"
        self.group_used = True
        self.section_label = ""  # "Staff Inclusion Criteria": heads the whole section
        self.heading = ""  # the heading of the items now coming, within the section
        self.heading_used = True
        self.heading_indent: int | None = None  # a bulleted lead's heading ends at its level
        self.heading_style: str | None = None  # how the first item under the heading is marked
        self.outer_heading = ""  # the heading to go back to when that lead's items end
        self.items: list[_Item] = []
        self.current: _Item | None = None
        self.top_indent: int | None = None
        self.top_style: str | None = None

    # -- lines ---------------------------------------------------------------------------

    def feed(self, raw_line: str) -> None:
        glued = _GLUED_HEADER.search(raw_line)
        before = raw_line[: glued.start()] if glued else ""
        if glued and len(before.split()) >= 3 and not _is_group_label(_MARKER.sub("", before.strip())):
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
        marker = _MARKER.match(line)
        body = line[marker.end():] if marker else line
        if not body:
            return  # a lone bullet or number: nothing to keep
        item = self.current
        if not marker and item is not None and line[:1].islower() and indent > item.indent \
                and not _SENTENCE_END.search(item.details[-1] if item.details else item.text):
            # "- Patients ... must be able to meet the" / "eligibility criteria for the appropriate
            # subprotocols within 4 weeks": a wrapped line goes on its item, never heads a section
            self._append(item, line)
            return
        section = self._section_header(line, body, marker)
        if section:
            self._start_section(section)
            return
        prefix, colon, after = body.partition(":")
        if colon and after.strip() and len(prefix) <= 120 and is_section_heading(prefix):
            # "- The inclusion criteria were as follows: a) men and women aged 18-65 ...":
            # the header is glued in front of the first criterion; it is a label, not a part.
            glued = _HEADER.match(prefix)
            if glued and not glued["rest"].strip():
                self._start_section(_Section(_header_kind(prefix + ":"), "", " " * indent + after.strip()))
                return  # "- Exclusion criteria: none" is a header and its first item
            self._switch_to(_header_kind(prefix + ":"))
            self._set_heading(prefix + ":")
            self.top_indent = self.top_style = None
            self.feed(" " * indent + after.strip())
            return
        if _NOTE.match(body) and self.current is not None:
            # "Note: ..." explains the item above it: it belongs to that item, not beside it.
            self.current.details.append(body)
            return
        if marker:
            self._marked(body, indent, _style(marker["marker"]))
        else:
            self._unmarked(line, indent)

    def _section_header(self, line: str, body: str, marker: re.Match[str] | None) -> _Section | None:
        header = _HEADER.match(body)
        if header and self._is_header(body, header) and not (
            marker and header["rest"].strip(" :*") and not line.endswith(":")
        ):
            qualifier, content = self._split_rest(header["rest"])
            rest = header["rest"]
            end = header.start("rest") + len(rest) - len(rest.lstrip()) + len(qualifier)
            label = body[header.start("who"): end].strip(" *-:")
            named = not set(header["who"].lower().split()) <= _PLAIN_QUALIFIERS
            return _Section(_kind_of(header["kind"]), label if (qualifier or named) else "", content)
        alone = _BARE.match(body)
        if alone and not (marker and alone["rest2"]):
            return _Section(_kind_of(alone["kind"]), "", (alone["rest"] or alone["rest2"] or "").strip())
        group = _NAMED_HEADER.match(body)
        if group and len(group["who"].split()) <= 8 and not _NOT_A_NAME.search(group["who"]) \
                and (line.endswith(":") or not marker):
            # A numbered "1. PD group Inclusion criteria:" heads a group with sections of its own.
            if marker:
                return _Section(_kind_of(group["kind"]), "", "", group["who"].strip())
            return _Section(_kind_of(group["kind"]), body.strip(" :*-"), "")
        return None

    @staticmethod
    def _is_header(line: str, header: re.Match[str]) -> bool:
        rest = header["rest"].strip()
        return len(line) <= 120 and (not rest or rest.startswith((":", "-", "(", "*")) or len(rest) < 60)

    @staticmethod
    def _split_rest(rest: str) -> tuple[str, str]:
        """What follows "Inclusion criteria": a qualifier ("for mothers", "(control group)")
        that says whom the list is for, and content ("- Age 18+") that is its first item."""
        rest = rest.strip()
        if not rest or rest[0] in ":-–—*":
            return "", rest.lstrip(":-–—* ").strip()
        if rest.startswith("("):
            close = rest.find(")")
            if close == -1:
                return rest, ""  # "(Only patients who ... are eligible to" goes on below
            return rest[: close + 1], rest[close + 1:].strip().lstrip(":-–— ").strip()
        if ":" in rest:
            qualifier, _, content = rest.partition(":")
            return qualifier.strip(), content.strip()
        if re.match(r"(?i)(?:for|in|of|at|among|within)\b", rest):
            return rest, ""
        return "", rest

    # -- sections and headings -----------------------------------------------------------

    def _start_section(self, section: _Section) -> None:
        pending = self._pending_heading()
        if pending and not is_section_heading(pending) and (
            _LEAD_WORDS.search(pending) or pending == self.section_label
        ):
            # "Patients must have one of the following:" with its list missing is a criterion
            # in its own words: it names no group, so it cannot head the next section. So is
            # "Partner exclusion criteria:" with nothing under it, lest "Partner" be lost.
            self.items.append(_Item(self.kind, pending, _joined(self.group), 0, "plain"))
            pending = ""
        if section.kind:
            self.kind = section.kind
        self.current = None
        self.top_indent = self.top_style = None
        self.heading_indent, self.outer_heading = None, ""
        announces = pending if pending and is_section_heading(pending) else ""
        if section.group:
            self._set_group(section.group)
        elif pending and not announces:
            # "For community patients:" right above "Inclusion Criteria:" heads that group's
            # inclusion and exclusion lists alike, until the next such label.
            self._set_group(pending)
        elif section.label:
            self._set_group("")  # "Staff Inclusion Criteria:" names its own group
        self.section_label = section.label
        # A header sentence right above a plain header announces that header's list.
        heading = _joined(announces, section.label)
        self.heading, self.heading_used = (heading, False) if heading else ("", True)
        self.heading_style = None
        if section.content:
            self.feed(section.content)
            if self.current is not None:
                self.current.from_header = True

    def _set_group(self, group: str) -> None:
        if self.group and not self.group_used:
            # A group label with no item under it says something of its own: keep its words.
            self.items.append(_Item(self.kind, self.group, "", 0, "plain"))
        self.group, self.group_used = group, not group

    def _pending_heading(self) -> str:
        """A heading no item has used yet, or a bulleted label ending in ":" that nothing
        followed ("2. Healthy participants matched to the PD group:" above "Inclusion
        criteria:"): both label what comes next, not a criterion of their own."""
        if self.heading and not self.heading_used:
            return self.heading
        item = self.current
        if (item is not None and item is self.items[-1] and item.text.endswith(":") and not item.details
                and (is_section_heading(item.text) or not _LEAD_WORDS.search(item.text))):
            return self._pop_label()
        return self._take_label_item(before_heading=True)

    def _take_label_item(self, before_heading: bool = False) -> str:
        """An unmarked "Control group" or "Specific" right above a list or a heading labels
        it: it was read as a criterion only because it has no ":". Right above a heading, so
        does a line too long to be taken for a heading ("The current diagnostic criteria for
        KD (...) are:" above "Fever plus four of the following criteria:")."""
        item = self.current
        label_like = item is not None and (
            _LONE_QUALIFIER.match(item.text) or _is_group_label(item.text)
            or (before_heading and item.text.endswith(":"))
        )
        if (item is not None and label_like and self.items and item is self.items[-1] and item.style == "plain"
                and not item.details):
            return self._pop_label()
        return ""

    def _pop_label(self) -> str:
        """The last item, taken back to be a label: its words, led by a heading only it used
        (which would be lost with it), and its group left for the next item to use."""
        item = self.items.pop()
        self.current = None
        if item.took_group:
            self.group_used = False
        return _joined(item.took_heading, item.text) if item.took_heading else item.text

    def _set_heading(self, text: str, indent: int | None = None) -> None:
        """A new heading; one that no item used stays as the first part of it ("The current
        diagnostic criteria are:" above "Fever plus four of the following:")."""
        label = self._take_label_item(before_heading=True)
        # "Staff Inclusion Criteria:" then "Hematologic:": the items are the staff's blood tests.
        unused = self.heading if self.heading and not self.heading_used else self.section_label
        if indent is not None and self.heading_indent is None:
            self.outer_heading = self.heading if self.heading_used else self.section_label
        elif indent is None:
            self.outer_heading = ""
        self.heading, self.heading_used, self.heading_indent = _joined(unused, label, text), False, indent
        self.heading_style = None
        self.current = None

    def _end_lead_heading(self, indent: int) -> None:
        """A bulleted group lead ("- Specific to smokers:") heads only the items below it."""
        if self.heading_indent is not None and indent <= self.heading_indent:
            self.heading, self.heading_used, self.heading_style = self.outer_heading, True, None
            self.heading_indent, self.outer_heading = None, ""

    def _switch_to(self, kind: CriterionKind | None) -> None:
        if kind and kind != self.kind:
            self.kind = kind
            self.top_indent = self.top_style = None

    # -- items -----------------------------------------------------------------------------

    def _marked(self, text: str, indent: int, style: str) -> None:
        self._end_lead_heading(indent)
        top_level = self.top_indent is None or indent <= self.top_indent or self.current is None
        if top_level and text.endswith(":") and is_section_heading(text):
            # "- Patients who fulfilled the following criteria were included in the study:":
            # a header sentence with a bullet in front is still a header.
            self._switch_to(_announced_kind(text))
            self._set_heading(text)
            self.top_indent = self.top_style = None
            return
        label = self._take_label_item()
        if label:
            self._set_heading(label)
        if self.top_indent is None:
            self.top_indent, self.top_style = indent, style
        parent = self.current
        if (parent is not None and not parent.details and indent == parent.indent and style == parent.style
                and _CUT_MID_PHRASE.search(parent.text)):
            # "- Free of chronic disease or" + "- Previous major abdominal surgery,": one criterion
            # cut in two by a line break; a list connector would follow punctuation ("...; or").
            parent.text = f"{parent.text} {text}"
            return
        if parent is not None and parent.from_header and not parent.details and not _OPEN_END.search(parent.text):
            # "Exclusion: Pregnant women" then "  - smokers": the list goes on at its own level.
            parent.indent, parent.style, parent.from_header = indent, style, False
            self.top_indent, self.top_style = indent, style
        if parent is not None and self._is_sub_item(parent, indent, style):
            announces = is_section_heading(parent.text.rstrip("."))
            if not parent.details and (announces or _is_group_label(parent.text)):
                # "- Specific to smokers:" over indented items names whom they are for; "- The
                # subject must meet all of the following inclusion criteria." only announces them.
                label = self._pop_label()
                if announces:
                    self._switch_to(_announced_kind(parent.text.rstrip(".") + ":"))
                    self.top_indent, self.top_style = indent, style
                self._set_heading(label, parent.indent)
                self._new_item(text, indent, style)
                return
            parent.details.append(text)
            parent.detail_indent = indent
            return
        if parent is not None and self._is_flat_sub_item(parent, text, indent, style):
            if _is_group_label(parent.text):
                # "- Caregivers:" then "- aged 18 or over": a heading with a bullet in front.
                self._set_heading(self._pop_label())
                self._new_item(text, indent, style)
                return
            # "- Couples in whom the female partner has a history of:" then "- Tubal ligation"
            # at the same level: the items finish the lead; alone they would be put to the
            # reader as if about the reader.
            parent.details.append(text)
            parent.detail_indent, parent.flat = indent, True
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

    @staticmethod
    def _is_flat_sub_item(parent: _Item, text: str, indent: int, style: str) -> bool:
        """An item at its lead's own level that still belongs to that lead."""
        if indent != parent.indent or style != parent.style or text.endswith(":"):
            return False  # another lead ending in ":" starts a list of its own
        if not style.startswith("bullet"):
            return False  # "1.", "2.": numbers say the items are separate criteria
        return parent.flat or (not parent.details and parent.text.endswith(":"))

    def _unmarked(self, text: str, indent: int) -> None:
        item = self.current
        if self.heading and not self.heading_used and self.heading.count("(") > self.heading.count(")") \
                and text[:1].islower():
            # "Inclusion Criteria(Only patients who ... are eligible to" / "participate in the trial):"
            self.heading = f"{self.heading} {text}"
            self._switch_to(_announced_kind(self.heading))
            return
        if item is not None and _CONNECTOR.match(text):
            self._append(item, text)  # "OR" between two items: it joins them, it asks nothing
            return
        if item is not None and self._continues(item, text, indent):
            self._append(item, text)
            return
        if item is not None and item.style != "plain" and item.text.endswith(":") and not item.details \
                and not text.endswith(":"):
            # "3. Any patient at high risk of SOS:" then "Neuroblastoma, HLH, ...": its list.
            item.details.append(text)
            return
        kind = _announced_kind(text)
        switch = _SWITCH.match(text) if item is None or item.style != "plain" else None
        if (kind or switch) and not _MARKER.match(text):
            # "Subjects will be excluded if:", "Patients must not meet any of the following
            # exclusion criteria to be eligible:": a header in other words; it labels the items.
            if switch and not kind:
                kind = "exclusion" if switch["exclusion"] else "inclusion"
            self._switch_to(kind)
            self.top_indent = self.top_style = None
            self.heading_indent, self.outer_heading = None, ""
            self._set_heading(text)
            return
        if text.endswith(":") and len(text) <= 100:
            self.heading_indent, self.outer_heading = None, ""
            self._set_heading(text)
            return
        self._new_item(text, indent, "plain")

    @staticmethod
    def _append(item: _Item, text: str) -> None:
        if item.details:
            item.details[-1] = f"{item.details[-1]} {text}"
        else:
            item.text = f"{item.text} {text}"

    def _continues(self, item: _Item, text: str, indent: int) -> bool:
        if text.endswith(":") and indent <= item.indent and _is_group_label(text):
            return False  # "for healthy volunteers:" under an item starts a group of its own
        if item.style == "plain":
            return text[:1].islower()
        if indent > item.indent:
            return True
        previous = item.details[-1] if item.details else item.text
        return text[:1].islower() or (not _SENTENCE_END.search(previous) and not previous.endswith(":")
                                      and text[:1] in "(≥≤<>=0123456789")

    def _new_item(self, text: str, indent: int, style: str) -> None:
        if style == "plain" and self.heading_used and self.heading_style not in (None, "plain") \
                and self.heading_indent is None:
            # "Hematologic:", "- ANC...", "- Platelets...", then an unmarked sentence: the
            # heading's bulleted list is over; the sentence stands at the section's level.
            self.heading, self.heading_style = self.section_label, None
        if not self.heading_used:
            self.heading_style = style
        item = _Item(self.kind, text, _joined(self.group, self.heading), indent, style)
        item.took_heading = "" if self.heading_used else self.heading
        item.took_group = bool(self.group) and not self.group_used
        self.items.append(item)
        self.current = item
        self.heading_used = self.group_used = True

    def finish(self) -> tuple[Criterion, ...]:
        self._place_unused_heading()
        self._set_group("")
        return tuple(
            Criterion(kind=i.kind, original=text, details=tuple(d.strip() for d in i.details) if last else (),
                      heading=heading.rstrip(":").strip())
            for i in self.items
            for text, heading, last in _inline_items(i.text.strip(), i.heading)
        )

    def _place_unused_heading(self) -> None:
        """A heading nothing followed, at the end of the text."""
        if not self.heading or self.heading_used:
            return
        if is_section_heading(self.heading) and self.items:
            # "Patients will be excluded if they have any of the following:" with its list lost
            # says only the kind: it heads the list above it of that kind, where the sheet hides
            # it, rather than becoming a line the reader could tick.
            same_kind = [i for i in self.items if i.kind == self.kind] or self.items
            last = ([i for i in same_kind if not i.heading] or same_kind)[-1]
            last.heading = _joined(last.heading, self.heading) if last.heading else self.heading
            return
        # "Other exclusions defined in the protocol:" says something the reader should see.
        self.items.append(_Item(self.kind, self.heading, _joined(self.group), 0, "plain"))
