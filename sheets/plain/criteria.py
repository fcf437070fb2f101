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

from functools import lru_cache

from sheets.model import Criterion, CriterionKind
from sheets.plain.headings import (
    _CONNECTOR,
    _GLUED_HEADER,
    _HEADER,
    _LEAD_WORDS,
    _LONE_QUALIFIER,
    _MARKER,
    _NOTE,
    _OPEN_END,
    _SENTENCE_END,
    _SWITCH,
    Section,
    _announced_kind,
    _header_kind,
    _is_group_label,
    _joined,
    _style,
    inline_items,
    is_section_heading,
    section_header,
)
from sheets.plain.items import CUT_MID_PHRASE, Item, append, continues, is_flat_sub_item
from sheets.sources.record import unescape_markdown


@lru_cache(maxsize=32)
def parse_criteria(text: str) -> tuple[Criterion, ...]:
    """Split an eligibility section into criteria, in order, inclusion and exclusion.

    Kept for the last few texts: a sheet reads its trial's criteria in several places (the
    plain lines, the fit question, the age check), and each gets this one parse."""
    parser = _Parser()
    for raw_line in unescape_markdown(text or "").replace("\r", "\n").split("\n"):
        parser.feed(raw_line)
    return parser.finish()





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
        self.items: list[Item] = []
        self.current: Item | None = None
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
            append(item, line)
            return
        section = section_header(line, body, marker)
        if section:
            self._start_section(section)
            return
        prefix, colon, after = body.partition(":")
        if colon and after.strip() and len(prefix) <= 120 and is_section_heading(prefix):
            # "- The inclusion criteria were as follows: a) men and women aged 18-65 ...":
            # the header is glued in front of the first criterion; it is a label, not a part.
            glued = _HEADER.match(prefix)
            if glued and not glued["rest"].strip():
                self._start_section(Section(_header_kind(prefix + ":"), "", " " * indent + after.strip()))
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

    # -- sections and headings -----------------------------------------------------------

    def _start_section(self, section: Section) -> None:
        pending = self._pending_heading()
        if pending and not is_section_heading(pending) and (
            _LEAD_WORDS.search(pending) or pending == self.section_label
        ):
            # "Patients must have one of the following:" with its list missing is a criterion
            # in its own words: it names no group, so it cannot head the next section. So is
            # "Partner exclusion criteria:" with nothing under it, lest "Partner" be lost.
            self.items.append(Item(self.kind, pending, _joined(self.group), 0, "plain"))
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
            self.items.append(Item(self.kind, self.group, "", 0, "plain"))
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
                and CUT_MID_PHRASE.search(parent.text)):
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
        if parent is not None and is_flat_sub_item(parent, text, indent, style):
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

    def _is_sub_item(self, parent: Item, indent: int, style: str) -> bool:
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
        if self.heading and not self.heading_used and self.heading.count("(") > self.heading.count(")") \
                and text[:1].islower():
            # "Inclusion Criteria(Only patients who ... are eligible to" / "participate in the trial):"
            self.heading = f"{self.heading} {text}"
            self._switch_to(_announced_kind(self.heading))
            return
        if item is not None and _CONNECTOR.match(text):
            append(item, text)  # "OR" between two items: it joins them, it asks nothing
            return
        if item is not None and continues(item, text, indent):
            append(item, text)
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

    def _new_item(self, text: str, indent: int, style: str) -> None:
        if style == "plain" and self.heading_used and self.heading_style not in (None, "plain") \
                and self.heading_indent is None:
            # "Hematologic:", "- ANC...", "- Platelets...", then an unmarked sentence: the
            # heading's bulleted list is over; the sentence stands at the section's level.
            self.heading, self.heading_style = self.section_label, None
        if not self.heading_used:
            self.heading_style = style
        item = Item(self.kind, text, _joined(self.group, self.heading), indent, style)
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
            for text, heading, last in inline_items(i.text.strip(), i.heading)
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
        self.items.append(Item(self.kind, self.heading, _joined(self.group), 0, "plain"))
