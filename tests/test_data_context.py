"""Independent-fact checks for the context tables: events, arms_imports, context, authorities.

Every expected value below was read by hand from a source outside this repository (the SIPRI
trade register and military-expenditure workbook, CRS reports, State Department statements and
wire reports named in data/sources.csv), never from output of the kit's own code.
The CSV files are read directly, so these tests do not depend on the kit's loader.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
COUNTRIES = {"Egypt", "Pakistan", "Iraq", "Bahrain", "Lebanon", "Colombia"}


def _rows(name: str) -> list[dict]:
    with (DATA / f"{name}.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _schema(name: str) -> dict:
    return json.loads((DATA / "schemas" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def events():
    return _rows("events")


@pytest.fixture(scope="module")
def arms():
    return {(r["recipient"], r["supplier"], int(r["year"])): float(r["tiv_millions"]) for r in _rows("arms_imports")}


@pytest.fixture(scope="module")
def context():
    return {(r["country"], int(r["year"]), r["indicator"]): r for r in _rows("context")}


@pytest.fixture(scope="module")
def authorities():
    return {r["authority_id"]: r for r in _rows("authorities")}


def _known_source_ids() -> set[str]:
    ids = set()
    with (DATA / "sources.csv").open(newline="", encoding="utf-8") as fh:
        ids |= {r["source_id"] for r in csv.DictReader(fh)}
    return ids


def _parse(text: str) -> tuple[dt.date, str]:
    parts = text.split("-")
    date = dt.date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    return date, {1: "year", 2: "month", 3: "day"}[len(parts)]


# ------------------------------------------------------------------------------------------
# events


def test_no_impossible_or_inconsistent_dates(events):
    for r in events:
        date, precision = _parse(r["date"])  # raises ValueError on e.g. 2013-02-30
        assert precision == r["date_precision"], r["event_id"]
        assert dt.date(1945, 1, 1) <= date <= dt.date(2025, 12, 31), r["event_id"]


def test_event_ids_unique_and_countries_spelled_exactly(events):
    ids = [r["event_id"] for r in events]
    assert len(ids) == len(set(ids))
    assert {r["country"] for r in events} == COUNTRIES


def test_event_types_are_the_documented_vocabulary(events):
    enum = set(next(f for f in _schema("events")["fields"] if f["name"] == "event_type")["constraints"]["enum"])
    assert {"hold", "release", "waiver", "reprogram", "certification", "alternative_supplier"} <= enum
    assert {r["event_type"] for r in events} <= enum


@pytest.mark.parametrize(
    "country, date, event_type, episode",
    [
        # State Department announcement of the holds on Egypt (PRI, Reuters, 9 Oct 2013)
        ("Egypt", "2013-10-09", "hold", "egypt-2013"),
        # Obama lifts the holds on F-16s, Harpoons and M1A1 kits (USA Today, 31 Mar 2015)
        ("Egypt", "2015-03-31", "release", "egypt-2013"),
        # $195m withheld, AP 22 Aug 2017; released, AP 25 Jul 2018
        ("Egypt", "2017-08-22", "hold", "egypt-2017"),
        ("Egypt", "2018-07-25", "release", "egypt-2017"),
        # Pakistan reopens the NATO supply routes (Politico, 3 Jul 2012)
        ("Pakistan", "2012-07-03", "access_granted", "pakistan-2011"),
        ("Pakistan", "2011-11-26", "access_denied", "pakistan-2011"),
        # State suspends security assistance to Pakistan (Nauert briefing, 4 Jan 2018)
        ("Pakistan", "2018-01-04", "suspension", "pakistan-2015"),
        # Bahrain: holds lifted (State statement, 29 Jun 2015); F-16 conditions dropped (RFE/RL, 29 Mar 2017)
        ("Bahrain", "2015-06-29", "release", "bahrain-2011"),
        ("Bahrain", "2017-03-29", "release", "bahrain-2016"),
        # Lebanon: OMB/NSC hold reported to Congress 31 Oct 2019 (Reuters)
        ("Lebanon", "2019-10-31", "hold", "lebanon-2019"),
        # Iraq: Maliki withdraws his candidacy (Reuters, Thursday 14 Aug 2014)
        ("Iraq", "2014-08-14", "election_referendum", "iraq-2014"),
        # Colombia: Clinton waives the Plan Colombia conditions (State Department, 23 Aug 2000)
        ("Colombia", "2000-08-23", "waiver", "colombia-cert"),
    ],
)
def test_key_episode_events(events, country, date, event_type, episode):
    hits = [r for r in events if r["country"] == country and r["date"] == date and r["event_type"] == event_type]
    assert hits, f"no {event_type} event for {country} on {date}"
    assert any(r["episode"] == episode for r in hits)


def test_egypt_2013_hold_was_announced_in_october_2013(events):
    holds = [r for r in events if r["episode"] == "egypt-2013" and r["event_type"] == "hold"]
    assert any(r["date"].startswith("2013-10") for r in holds)


def test_lebanon_2010_hold_lifted_in_november_2010(events):
    # AP (Arab News, 13 Nov 2010): Berman and Lowey lift their holds
    rel = [r for r in events if r["episode"] == "lebanon-2010" and r["event_type"] == "release"]
    assert [r["date"] for r in rel] == ["2010-11"]


def test_every_episode_has_a_start_before_an_outcome(events):
    episodes = next(f for f in _schema("events")["fields"] if f["name"] == "episode")["constraints"]["enum"]
    required = {
        "egypt-2013", "egypt-2017", "bahrain-2011", "bahrain-2016", "pakistan-2011", "pakistan-2015",
        "lebanon-2010", "lebanon-2019", "iraq-2014", "colombia-cert",
    }
    assert required <= set(episodes)
    for ep in episodes:
        rows = [r for r in events if r["episode"] == ep]
        starts = [_parse(r["date"])[0] for r in rows if r["episode_role"] == "start"]
        outcomes = [_parse(r["date"])[0] for r in rows if r["episode_role"] == "outcome"]
        assert starts, f"{ep} has no start event"
        assert outcomes, f"{ep} has no outcome event"
        assert min(starts) <= max(outcomes), ep
        assert len({r["country"] for r in rows}) == 1, ep


def test_episode_role_only_with_episode(events):
    for r in events:
        assert bool(r["episode"]) == bool(r["episode_role"]), r["event_id"]


def test_every_source_id_is_listed():
    known = _known_source_ids()
    for table in ("events", "arms_imports", "context", "authorities"):
        missing = {r["source_id"] for r in _rows(table)} - known
        assert not missing, f"{table}: {sorted(missing)}"


def test_no_secondary_copies_left_for_replaced_sources():
    # Secondary copies found while sourcing were replaced by the originals; none may come back
    # as the support of an events, arms, context or authorities row.
    url_of = {r["source_id"]: r["url"] for r in _rows("sources")}
    used = set()
    for table in ("events", "arms_imports", "context", "authorities"):
        used |= {r["source_id"] for r in _rows(table)}
    urls = " ".join(url_of[s] for s in sorted(used))
    for host in ("wikipedia.org", "goodtimesweb", "abouttrump", "military-quotes", "infobalkans",
                 "globalpulseonline", "urdupoint", "dailyexpress.lk", "mareainformativa", "timesca.com"):
        assert host not in urls, host


# ------------------------------------------------------------------------------------------
# arms imports (SIPRI trade register export of 12 Feb 2026, read by hand)


def test_single_deal_supplier_year_equals_register(arms):
    # SIPRI deal 60104: Belarus -> Iraq, 3 second-hand Su-25 delivered in 2015, TIV 13.8
    # (the only Belarus -> Iraq delivery row for 2015)
    assert arms[("Iraq", "Belarus", 2015)] == pytest.approx(13.8)


def test_named_deals_are_contained_in_totals(arms):
    # SIPRI deal 58328: France -> Egypt Rafale, 3 delivered in 2015 at 55 TIV each = 165
    assert arms[("Egypt", "France", 2015)] >= 165
    # SIPRI deal 57482: Russia -> Iraq, 5 second-hand Su-25 in 2014 at 4.6 each = 23
    assert arms[("Iraq", "Russia", 2014)] >= 23
    # SIPRI deal 28669: China -> Pakistan JF-17, 10 delivered in 2012 at 17.5 each = 175
    assert arms[("Pakistan", "China", 2012)] >= 175


def test_arms_years_and_values(arms):
    assert min(k[2] for k in arms) == 1995  # the 1979-1994 period rows are not shipped
    assert max(k[2] for k in arms) == 2024
    assert {k[0] for k in arms} == COUNTRIES
    assert all(v >= 0 for v in arms.values())


# ------------------------------------------------------------------------------------------
# context indicators


def test_egypt_military_expenditure_as_sipri_prints_it(context):
    # SIPRI Milex 2024 release, sheet "Current US$": Egypt 2013 shown as 4359.8 (US$ m.),
    # 2023 as 3164.6; sheet "Share of GDP": 2013 shown as 1.6%
    r = context[("Egypt", 2013, "milex_current_usd")]
    assert "million" in r["unit"].lower()
    assert round(float(r["value"]), 1) == 4359.8
    assert round(float(context[("Egypt", 2023, "milex_current_usd")]["value"]), 1) == 3164.6
    assert round(float(context[("Egypt", 2013, "milex_share_gdp")]["value"]), 1) == 1.6


def test_milex_share_roughly_matches_world_bank_gdp(context):
    # two independent publishers: SIPRI's own share vs SIPRI spending / World Bank GDP
    for country in ("Egypt", "Pakistan", "Colombia"):
        for year in (2005, 2015):
            milex = float(context[(country, year, "milex_current_usd")]["value"]) * 1e6
            gdp = float(context[(country, year, "gdp_current_usd")]["value"])
            share = float(context[(country, year, "milex_share_gdp")]["value"])
            assert milex / gdp * 100 == pytest.approx(share, rel=0.2), (country, year)


def test_gtd_has_no_1993_and_no_invented_zeros(context):
    # The GTD lost its 1993 data; OWID publishes nothing for that year
    assert not [k for k in context if k[2] == "terrorism_deaths" and k[1] == 1993]
    assert all(r["value"] != "" for r in context.values())


def test_context_range_and_units(context):
    assert {k[1] for k in context} <= set(range(1990, 2024))
    units = {}
    for (c, y, ind), r in context.items():
        units.setdefault(ind, set()).add(r["unit"])
    assert all(len(u) == 1 for u in units.values()), units
    assert units["gdp_current_usd"] == {"US$, current prices"}


# ------------------------------------------------------------------------------------------
# authorities (CRS RS22855, R42641; FY2015 NDAA sec. 1205; FY2017 NDAA sec. 1241)


def test_train_and_equip_succession(authorities):
    a = authorities
    assert a["sec1206"]["successor"] == "usc2282"
    assert a["usc2282"]["successor"] == "usc333"
    assert (a["sec1206"]["fiscal_year_of_act"], a["usc2282"]["fiscal_year_of_act"], a["usc333"]["fiscal_year_of_act"]) == (
        "2006", "2015", "2017",
    )
    assert a["usc2282"]["year_enacted"] == "2014" and a["usc333"]["year_enacted"] == "2016"
    assert "1205" in a["usc2282"]["statute"] and "1241" in a["usc333"]["statute"]


def test_gscf_created_by_fy2012_ndaa_section_1207(authorities):
    g = authorities["gscf"]
    assert g["fiscal_year_of_act"] == "2012" and "1207" in g["statute"] and "112-81" in g["statute"]


def test_iraq_funds_chain(authorities):
    assert authorities["isff"]["successor"] == "itef"
    assert authorities["itef"]["successor"] == "ctef"
    assert authorities["itef"]["fiscal_year_of_act"] == "2015"


def test_successors_exist_and_do_not_cycle(authorities):
    for aid, r in authorities.items():
        seen = {aid}
        nxt = r["successor"]
        while nxt:
            assert nxt in authorities, f"{aid}: unknown successor {nxt}"
            assert nxt not in seen, f"cycle at {nxt}"
            seen.add(nxt)
            nxt = authorities[nxt]["successor"]
        assert r["title"] in {"10", "22", "other"}
        if r["year_enacted"] and r["fiscal_year_of_act"]:
            assert 0 <= int(r["fiscal_year_of_act"]) - int(r["year_enacted"]) <= 1, aid
