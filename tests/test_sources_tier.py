"""Primary sources first: where the kit's numbers were read, and whether ``tier`` says so honestly.

The host lists below are typed here as independent facts about the web, not derived from the data:

* ``WEAK_HOSTS``: blogs, document-sharing sites and re-posting aggregators. A copy there may be
  altered, partial or mislabelled, and nobody vouches for it.
* ``ARCHIVE_HOSTS``: archives that keep whole government documents unaltered and say where they
  came from (the ``primary-archive`` tier).
* ``IGO_HOSTS``: non-U.S.-government publishers whose own data files count as ``primary``.
* ``PARTISAN_HOSTS``: party-line, state-propaganda or advocacy outlets that the kit must not use as
  a source of fact.

Tier vocabulary (``data/schemas/sources.json``): ``primary`` (the issuing body's own document at
its own site or an official government repository), ``primary-archive``, ``primary-copy`` (a
primary document read only in an unvetted copy) and ``secondary``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"

TIERS = {"primary", "primary-archive", "primary-copy", "secondary"}

WEAK_HOSTS = {
    # blogs and self-publishing platforms
    "blogspot.com", "blogger.com", "wordpress.com", "medium.com", "tumblr.com", "substack.com",
    "typepad.com", "livejournal.com", "groundreport.com", "theasiamag.com",
    # document-sharing sites
    "scribd.com", "studylib.net", "docstoc.com", "doczz.net", "docslib.org", "careersdocbox.com",
    "edocr.com", "yumpu.com", "readkong.com", "pdfslide.net", "vdocuments.us", "vdocuments.mx",
    "vdocuments.net", "slideshare.net", "issuu.com", "documents.pub", "dokumen.tips", "pdfcoffee.com",
    "coursehero.com", "fdocuments.in", "idoc.pub", "kupdf.net",
    # aggregators and re-posting sites (a copy of someone else's article or document)
    "wn.com", "sauress.com", "dailyalert.org", "questia.com", "pressreader.com", "inkl.com",
    "congressionalresearch.com", "fact.com.pk",
}

ARCHIVE_HOSTS = {
    "everycrsreport.com", "d27r7ebsgu0es2.cloudfront.net",  # EveryCRSReport.com and its file store
    "fas.org",  # Federation of American Scientists, Project on Government Secrecy (CRS reports)
    "digital.library.unt.edu", "webarchive.library.unt.edu",  # UNT Libraries (CyberCemetery)
    "hsdl.org",  # Homeland Security Digital Library (Naval Postgraduate School)
    "archive.org",  # Internet Archive and the Wayback Machine
    "swap.stanford.edu",  # Stanford Web Archive Portal
    "policyarchive.org",  # PolicyArchive digital library of public-policy reports (CRS reports among them)
    "wikisource.org", "wikisource.com",  # page transcriptions beside the Statutes at Large scans
}

IGO_HOSTS = {"worldbank.org", "sipri.org", "imf.org", "oecd.org", "un.org", "unodc.org", "unvienna.org"}

PARTISAN_HOSTS = {
    "worldtribune.com", "sputniknews.com", "sputnikglobe.com", "rt.com", "jewishvirtuallibrary.org",
    "israelnationalnews.com", "americanfaith.com", "cnsnews.com", "antiwar.com", "democracynow.org",
    "thejerusalemconnection.us", "algemeiner.com", "memri.org", "wrmea.org", "breitbart.com",
}


def _read(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _host(url: str) -> str:
    return urlparse(url).netloc.lower().split(":")[0]


def _under(host: str, domains: set[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _is_gov(host: str) -> bool:
    return host.endswith(".gov") or host.endswith(".mil")


@pytest.fixture(scope="module")
def sources() -> dict[str, dict]:
    return {r["source_id"]: r for r in _read("sources.csv")}


@pytest.fixture(scope="module")
def assistance() -> list[dict]:
    return _read("assistance.csv")


def _weak_rows(assistance, sources):
    return [r for r in assistance if _under(_host(sources[r["source_id"]]["url"]), WEAK_HOSTS)]


def test_host_helpers():
    assert _under("ru.scribd.com", WEAK_HOSTS) and _under("alfredkewl.blogspot.com", WEAK_HOSTS)
    assert not _under("www.gao.gov", WEAK_HOSTS) and not _under("notscribd.com", WEAK_HOSTS)
    assert _under("www.everycrsreport.com", ARCHIVE_HOSTS) and _is_gov("crsreports.congress.gov")


def test_tier_vocabulary_matches_schema(sources):
    schema = json.loads((DATA / "schemas" / "sources.json").read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "tier")
    assert set(field["constraints"]["enum"]) == TIERS
    bad = {sid: r["tier"] for sid, r in sources.items() if r["tier"] not in TIERS}
    assert not bad, f"sources.csv: tier not in {sorted(TIERS)}: {bad}"


def test_at_most_ten_percent_of_assistance_rows_rest_on_weak_hosts(assistance, sources):
    weak = _weak_rows(assistance, sources)
    share = len(weak) / len(assistance)
    assert share <= 0.10, f"{len(weak)} of {len(assistance)} assistance rows ({share:.1%}) cite blog/document-sharing copies"


def test_tier_fits_host(sources):
    problems = []
    for sid, r in sources.items():
        host, tier = _host(r["url"]), r["tier"]
        if not host:
            if tier != "secondary":
                problems.append(f"{sid}: no URL, so it cannot be {tier}")
            continue
        if _under(host, WEAK_HOSTS) and tier in {"primary", "primary-archive"}:
            problems.append(f"{sid}: {host} is a blog/document-sharing copy, tier cannot be {tier}")
        if tier == "primary" and not (_is_gov(host) or _under(host, IGO_HOSTS)):
            problems.append(f"{sid}: tier primary needs the issuer's own site (.gov/.mil or IGO), got {host}")
        if tier == "primary-archive" and not _under(host, ARCHIVE_HOSTS):
            problems.append(f"{sid}: tier primary-archive needs a known archive, got {host}")
    assert not problems, "\n".join(problems)


def test_no_partisan_outlet_is_a_source_of_fact(sources):
    used = {}
    for table in ("assistance.csv", "case_facts.csv", "events.csv", "authorities.csv", "context.csv", "arms_imports.csv"):
        for r in _read(table):
            used.setdefault(r["source_id"], table)
    bad = [f"{sid} ({_host(sources[sid]['url'])}) used in {t}" for sid, t in used.items()
           if sid in sources and _under(_host(sources[sid]["url"]), PARTISAN_HOSTS)]
    assert not bad, "partisan outlets cited for facts: " + "; ".join(bad)


def test_readme_lists_every_source_resting_on_a_weak_host(assistance, sources):
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "## Rows resting on weak hosts" in readme
    section = readme.split("## Rows resting on weak hosts", 1)[1].split("\n## ", 1)[0]
    missing = sorted({r["source_id"] for r in _weak_rows(assistance, sources)} - {
        sid for sid in sources if f"`{sid}`" in section})
    assert not missing, f"data/README.md 'Rows resting on weak hosts' does not list: {missing}"
