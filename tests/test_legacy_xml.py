"""Legacy ClinicalTrials.gov XML maps onto the same `Trial` as API v2 records, and safely.

Real records from the old AllPublicXML download (tests/data/xml) check the whole mapping;
small documents check one coded value at a time; hostile documents check the parser's safety.
"""

from __future__ import annotations

import re

import pytest
from conftest import DATA, FIXED_DAY
from pdfcheck import text_of

from sheets.errors import RecordError
from sheets.model import Arm, Contact, Design, Eligibility, Intervention, Outcome, Site
from sheets.plain.criteria import parse_criteria
from sheets.sources.legacy_xml import trial_from_xml
from sheets.sources.record import load_trial

pytest_plugins = ["conftest_fetch"]
pytestmark = pytest.mark.usefixtures("isolated_cache")

XML_FILES = sorted((DATA / "xml").glob("*.xml"))


def xml(**elements: str) -> bytes:
    """A minimal <clinical_study> with the given child elements (raw XML text)."""
    body = "".join(f"<{tag}>{value}</{tag}>" for tag, value in elements.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?><clinical_study>'
        f"<id_info><nct_id>NCT01234567</nct_id></id_info>{body}</clinical_study>"
    ).encode()


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: p.stem)
def test_every_real_xml_record_loads_by_its_file_path(path):
    trial = load_trial(path)
    assert trial.nct_id == path.stem
    assert trial.source == str(path) and trial.status
    assert trial.last_updated[:2] == "20" and len(trial.last_updated) == 10


def test_a_real_xml_record_maps_every_field_the_model_has():
    trial = load_trial(DATA / "xml" / "NCT03204344.xml")
    assert (
        trial.brief_title
        == "Preoperative Oral Carbohydrate and Postoperative Recovery in Diabetic Patients"
    )
    assert trial.official_title.startswith("Impact of Preoperative Oral Carbohydrate on Recovery")
    assert (trial.status, trial.study_type, trial.phases) == (
        "RECRUITING",
        "INTERVENTIONAL",
        ("NA",),
    )
    assert (trial.enrollment, trial.enrollment_is_estimate) == (60, True)
    assert (trial.start_date, trial.primary_completion_date, trial.completion_date) == (
        "2017-08-01",
        "2018-08",
        "2018-09",
    )
    assert (trial.first_posted, trial.last_updated) == ("2017-07-02", "2017-09-19")
    assert (trial.sponsor, trial.collaborators) == ("Dong-Xin Wang", ())
    assert trial.conditions == ("Gastrointestinal Surgery",)
    assert trial.keywords[:2] == ("Gastrointestinal surgery", "Preoperative oral carbohydrate")
    assert trial.brief_summary.startswith(
        "For non-diabetic patients undergoing gastrointestinal surgery"
    )
    assert "preopertive oral carbohydrate remain unclear" in " ".join(
        trial.detailed_description.split()
    )
    assert trial.design == Design(
        allocation="RANDOMIZED",
        intervention_model="PARALLEL",
        primary_purpose="PREVENTION",
        masking="SINGLE",
        who_masked=("OUTCOMES_ASSESSOR",),
    )
    assert [(a.label, a.type, a.intervention_names) for a in trial.arms] == [
        (
            "Intervention group",
            "EXPERIMENTAL",
            ("Dietary Supplement: Oral carbohydrate (Outfast)",),
        ),
        ("Control group", "SHAM_COMPARATOR", ("Other: Routine fasting",)),
    ]
    assert [(i.name, i.type) for i in trial.interventions] == [
        ("Oral carbohydrate (Outfast)", "DIETARY_SUPPLEMENT"),
        ("Routine fasting", "OTHER"),
    ]
    assert trial.eligibility == Eligibility(
        criteria_text=trial.eligibility.criteria_text,
        sex="ALL",
        minimum_age="18 Years",
        maximum_age="",
        healthy_volunteers=False,
    )
    assert trial.primary_outcomes == (
        Outcome(
            measure="Recovery of gastrointestinal function",
            time_frame="From end of surgery until the time of first flatus and defecation, "
            "assessed up to 7 days after surgery.",
            description="Time to first flatus and defecation after surgery.",
        ),
    )
    assert len(trial.secondary_outcomes) == 7
    assert trial.central_contacts == (
        Contact(
            name="Dong-Xin Wang, MD, PhD",
            role="CONTACT",
            phone="8610 83572784",
            email="wangdongxin@hotmail.com",
        ),
        Contact(name="Xue Li, MD", role="CONTACT", phone="8610 83572460", email="3999165@163.com"),
    )
    assert trial.officials == (
        Contact(
            name="Dong-Xin Wang, MD, PhD",
            role="PRINCIPAL_INVESTIGATOR",
            affiliation="Peking University First Hospital",
        ),
    )
    site = trial.sites[0]
    assert (site.facility, site.city, site.state, site.zip, site.country, site.status) == (
        "Peking University First Hospital",
        "Beijing",
        "Beijing",
        "100034",
        "China",
        "RECRUITING",
    )
    assert [(c.name, c.role) for c in site.contacts] == [
        ("Dong-Xin Wang, MD, PhD", "CONTACT"),
        ("Xue Li, MD", "CONTACT"),
        ("Xue Li, MD", "PRINCIPAL_INVESTIGATOR"),
    ]


def test_xml_criteria_keep_their_lines_so_wrapped_items_stay_whole():
    trial = load_trial(DATA / "xml" / "NCT03204344.xml")
    criteria = parse_criteria(trial.eligibility.criteria_text)
    assert [c.kind for c in criteria].count("inclusion") == 4
    assert [c.kind for c in criteria].count("exclusion") == 6
    assert criteria[7].original == (
        "Preoperative New York Heart Assocition (NYHA) class IV, renal failure (requirement of renal "
        "replacement therapy), severe hepatic disease (Child-Pugh class C), or American Society of "
        "Anesthesiologists (ASA) class IV or higher;"
    )


def test_xml_criteria_keep_indented_sub_items_under_their_item():
    trial = load_trial(DATA / "xml" / "NCT02465060.xml")
    pregnancy = next(
        c
        for c in parse_criteria(trial.eligibility.criteria_text)
        if "childbearing potential is any" in c.original
    )
    assert pregnancy.details == (
        "Has not undergone a hysterectomy or bilateral oophorectomy; or",
        (
            "Has not been naturally postmenopausal for at least 24 consecutive months (i.e., has had "
            "menses at any time in the preceding 24 consecutive months)"
        ),
    )


def test_a_large_real_xml_record_maps_its_sites_and_the_interventions_of_each_arm():
    trial = load_trial(DATA / "xml" / "NCT02465060.xml")
    assert (trial.status, trial.phases, trial.enrollment, trial.enrollment_is_estimate) == (
        "RECRUITING",
        ("PHASE2",),
        6452,
        True,
    )
    assert trial.design.masking == "NONE" and trial.design.who_masked == ()
    assert len(trial.sites) == 1218 and len(trial.arms) == 30
    assert trial.arms[0].intervention_names == (
        "Drug: Afatinib",
        "Other: Cytology Specimen Collection Procedure",
        "Other: Laboratory Biomarker Analysis",
    )
    afatinib = next(i for i in trial.interventions if i.name == "Afatinib")
    assert afatinib == Intervention(
        name="Afatinib", type="DRUG", description=afatinib.description, other_names=("BIBW 2992",)
    )


def test_an_xml_record_renders_a_sheet_like_any_other():
    from sheets import SheetOptions, render_pdf

    trial = load_trial(DATA / "xml" / "NCT03204344.xml")
    text = text_of(render_pdf(trial, SheetOptions(generated_on=FIXED_DAY)))
    assert "NCT03204344" in text and "Peking University First Hospital" in text


@pytest.mark.parametrize(
    "elements, field, expected",
    [
        ({"overall_status": "Active, not recruiting"}, "status", "ACTIVE_NOT_RECRUITING"),
        ({"overall_status": "Not yet recruiting"}, "status", "NOT_YET_RECRUITING"),
        ({"overall_status": "Unknown status"}, "status", "UNKNOWN"),
        ({"overall_status": "Enrolling by invitation"}, "status", "ENROLLING_BY_INVITATION"),
        ({"phase": "Phase 1/Phase 2"}, "phases", ("PHASE1", "PHASE2")),
        ({"phase": "Early Phase 1"}, "phases", ("EARLY_PHASE1",)),
        ({"phase": "Phase 4"}, "phases", ("PHASE4",)),
        ({"phase": "N/A"}, "phases", ("NA",)),
        ({}, "phases", ()),
        ({"study_type": "Observational [Patient Registry]"}, "study_type", "OBSERVATIONAL"),
        ({"study_type": "Expanded Access"}, "study_type", "EXPANDED_ACCESS"),
        ({"start_date": "June 2026"}, "start_date", "2026-06"),
        ({"start_date": "June 15, 2026"}, "start_date", "2026-06-15"),
        ({"completion_date": "sometime"}, "completion_date", "sometime"),
        ({"enrollment": "120"}, "enrollment", 120),
        ({"enrollment": "many"}, "enrollment", None),
        (
            {
                "sponsors": "<lead_sponsor><agency>NCI</agency></lead_sponsor>"
                "<collaborator><agency>A</agency></collaborator><collaborator><agency>B</agency></collaborator>"
            },
            "collaborators",
            ("A", "B"),
        ),
        ({"last_update_submitted": "May 1, 2019"}, "last_updated", "2019-05-01"),
    ],
)
def test_xml_values_become_api_v2_codes(elements, field, expected):
    assert getattr(trial_from_xml(xml(**elements), "t.xml"), field) == expected


@pytest.mark.parametrize(
    "study_design_info, expected",
    [
        (
            "<allocation>N/A</allocation><intervention_model>Single Group Assignment</intervention_model>",
            Design(allocation="NA", intervention_model="SINGLE_GROUP"),
        ),
        (
            "<intervention_model>Crossover Assignment</intervention_model><primary_purpose>Supportive Care</primary_purpose>",
            Design(intervention_model="CROSSOVER", primary_purpose="SUPPORTIVE_CARE"),
        ),
        (
            "<masking>Quadruple (Participant, Care Provider, Investigator, Outcomes Assessor)</masking>",
            Design(
                masking="QUADRUPLE",
                who_masked=("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"),
            ),
        ),
        (
            "<masking>Double Blind (Subject, Caregiver)</masking>",
            Design(masking="DOUBLE", who_masked=("PARTICIPANT", "CARE_PROVIDER")),
        ),
        ("<masking>Open Label</masking>", Design(masking="NONE")),
    ],
)
def test_xml_design_values_become_api_v2_codes(study_design_info, expected):
    assert trial_from_xml(xml(study_design_info=study_design_info), "t.xml").design == expected


@pytest.mark.parametrize(
    "eligibility, expected",
    [
        (
            "<gender>Both</gender><minimum_age>6 Months</minimum_age><maximum_age>N/A</maximum_age>"
            + "<healthy_volunteers>Accepts Healthy Volunteers</healthy_volunteers>",
            Eligibility(sex="ALL", minimum_age="6 Months", healthy_volunteers=True),
        ),
        (
            "<gender>Female</gender><gender_based>Yes</gender_based>"
            + "<gender_description>Born female or identifying as female.</gender_description>",
            Eligibility(sex="FEMALE", gender_description="Born female or identifying as female."),
        ),
        (
            "<gender>Male</gender><maximum_age>65 Years</maximum_age><healthy_volunteers>No</healthy_volunteers>",
            Eligibility(sex="MALE", maximum_age="65 Years", healthy_volunteers=False),
        ),
    ],
)
def test_xml_eligibility_maps_sex_ages_and_healthy_volunteers(eligibility, expected):
    assert trial_from_xml(xml(eligibility=eligibility), "t.xml").eligibility == expected


def test_older_xml_contacts_with_split_names_and_site_investigators_are_kept():
    location = (
        "<facility><name>Clinic</name><address><city>Oslo</city><country>Norway</country></address></facility>"
        "<status>Not yet recruiting</status>"
        "<contact><first_name>Kari</first_name><middle_name>A</middle_name><last_name>Nordmann</last_name>"
        "<degrees>MD</degrees><phone>+47 1234</phone><phone_ext>12</phone_ext></contact>"
        "<investigator><last_name>Ola Nordmann</last_name><role>Sub-Investigator</role></investigator>"
    )
    trial = trial_from_xml(xml(location=location), "t.xml")
    assert trial.sites == (
        Site(
            facility="Clinic",
            city="Oslo",
            country="Norway",
            status="NOT_YET_RECRUITING",
            contacts=(
                Contact(name="Kari A Nordmann, MD", role="CONTACT", phone="+47 1234 ext. 12"),
                Contact(name="Ola Nordmann", role="SUB_INVESTIGATOR"),
            ),
        ),
    )


def test_an_arm_without_interventions_has_none_and_interventions_name_their_arms_only():
    elements = (
        "<arm_group><arm_group_label>A</arm_group_label><arm_group_type>Placebo Comparator</arm_group_type></arm_group>"
        "<arm_group><arm_group_label>B</arm_group_label><arm_group_type>No Intervention</arm_group_type></arm_group>"
        "<intervention><intervention_type>Drug</intervention_type><intervention_name>Placebo</intervention_name>"
        "<arm_group_label>A</arm_group_label><other_name>Sugar pill</other_name></intervention>"
    )
    trial = trial_from_xml(
        xml().replace(b"</clinical_study>", elements.encode() + b"</clinical_study>"), "t.xml"
    )
    assert trial.arms == (
        Arm(label="A", type="PLACEBO_COMPARATOR", intervention_names=("Drug: Placebo",)),
        Arm(label="B", type="NO_INTERVENTION"),
    )
    assert trial.interventions == (
        Intervention(name="Placebo", type="DRUG", other_names=("Sugar pill",)),
    )


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info><brief_title>&lol9;</brief_title></clinical_study>
"""


@pytest.mark.parametrize(
    "document",
    [
        BILLION_LAUGHS,
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + xml(brief_title="&x;").split(b"?>", 1)[1],
        b'<?xml version="1.0"?><!DOCTYPE clinical_study SYSTEM "http://127.0.0.1:9/evil.dtd">'
        + xml().split(b"?>", 1)[1],
    ],
    ids=["billion-laughs", "external-entity", "external-dtd"],
)
def test_hostile_xml_is_refused_not_expanded(tmp_path, document):
    path = tmp_path / "hostile.xml"
    path.write_bytes(document)
    with pytest.raises(RecordError) as caught:
        load_trial(path)
    assert str(caught.value) == f"{path}: unsafe XML refused (it declares a DTD or entities)"


@pytest.mark.parametrize(
    "document, problem",
    [
        (b"<clinical_study><id_info>", "not valid XML"),
        (
            b"<html><body>Not found</body></html>",
            "not a ClinicalTrials.gov study (root element <html>)",
        ),
        (
            b"<clinical_study><brief_title>No number</brief_title></clinical_study>",
            "the record has no NCT number",
        ),
        (
            b"<clinical_study><id_info><nct_id>NCT12</nct_id></id_info></clinical_study>",
            "the record has no NCT number",
        ),
    ],
)
def test_xml_that_is_not_a_study_is_one_clear_line(document, problem):
    with pytest.raises(RecordError, match=f"^old.xml: {re.escape(problem)}"):
        trial_from_xml(document, "old.xml")


def test_a_legacy_xml_file_with_a_utf8_bom_is_read_as_xml(tmp_path):
    path = tmp_path / "bom.xml"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "xml" / "NCT02465060.xml").read_bytes())
    assert load_trial(path).nct_id == "NCT02465060"


@pytest.mark.parametrize(
    ("head", "kind"),
    [(b"<?xml", "xml"), (b"\xef\xbb\xbf  <clinical_study>", "xml"), (b'\n {"protocolSection"', "json"),
     (b"\xef\xbb\xbf{", "json"), (b"Inclusion Criteria:", ""), (b"", ""), (b"[1]", "")],
)  # fmt: skip
def test_one_rule_tells_a_record_files_format_from_its_first_bytes(head, kind):
    from sheets.sources.record import record_format

    assert record_format(head) == kind
