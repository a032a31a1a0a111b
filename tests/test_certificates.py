"""mld certificates: one PDF per trainee who passed every module named, from the gradebook,
in the language they took the course in, and `verify`, which accepts an issued code and
refuses a tampered, unknown or outdated one.

The PDFs are read back with pdftotext and rendered with pdftoppm; MLD_SCREENSHOTS=1 also
saves the first page of a certificate in each language to docs/screenshots/."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import classbook
import pytest
from conftest import ROOT
from pdf_tools import pdf_text, poppler, render

from toolbox_widgets.cli import main

class_book = classbook.class_book  # the class's gradebook, made once
SHOTS = ROOT / "docs" / "screenshots"
ISSUER = "Aminata Diallo, Dakar Regional Council"
# A long date as each language writes it: 5 December 2026, 5 décembre 2026, 5 de diciembre
# de 2026 (never the ISO date or the English month on a French certificate).
LONG_DATE = {
    "en": r"\d{1,2} (January|February|March|April|May|June|July|August|September|October"
          r"|November|December) \d{4}",
    "fr": r"\d{1,2}(er)? (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre"
          r"|novembre|décembre) \d{4}",
    "es": r"\d{1,2} de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre"
          r"|noviembre|diciembre) de \d{4}",
}


@pytest.fixture
def course(class_book, tmp_path):
    """A course folder with the class's gradebook (nbgrader_config.py makes it one)."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copy(class_book, tmp_path / "gradebook.db")
    return tmp_path


def run(course, *args, capsys, issuer=ISSUER) -> tuple[int, str]:
    given = ["--issuer", issuer] if issuer and args[0] != "verify" else []
    code = main(["certificates", *args, *given, "--root", str(course)])
    out = capsys.readouterr()
    return code, out.out + out.err


def issued_codes(output: str) -> dict[str, str]:
    return {line.split(":")[0]: line.split(", code ")[1].rstrip(")")
            for line in output.splitlines() if ", code " in line}


def test_only_trainees_at_the_pass_mark_get_a_certificate_and_it_says_what_it_certifies(
        course, capsys):
    code, output = run(course, "core", "--min", "70", capsys=capsys)
    assert code == 0, output
    codes = issued_codes(output)
    assert list(codes) == ["ana"]  # 14 of 14
    assert "fran: no certificate: core 57% (below 70%)" in output
    assert "dee: no certificate: core not submitted" in output
    pdfs = sorted((course / "certificates").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["certificate-ana.pdf"]
    text = " ".join(pdf_text(pdfs[0]).split())
    assert "Certificate of completion" in text and "Ana Núñez" in text
    assert "reached the pass mark of 70% of the points in each" in text
    assert "Core: introduction to migration and local development" in text
    assert "14 of 14 points (100%)" in text
    assert ISSUER in text and "Issued by" in text
    assert f"Verification code: {codes['ana']}." in text
    assert f"mld certificates verify {codes['ana']}" in text
    assert "This document is not issued by the ITC-ILO, IOM or the JMDI." in text
    code, output = run(course, "verify", codes["ana"], capsys=capsys)
    assert code == 0 and output.startswith("Valid: certificate of Ana Núñez (ana)")
    assert f"by {ISSUER}" in output


def test_the_certificate_claims_the_pass_mark_it_was_issued_at_and_no_more(course, capsys):
    """fran's 57% earns nothing at 70%; at 50% her certificate says 50%, never success."""
    _, output = run(course, "core", "--min", "70", "--lang", "fr", capsys=capsys)
    assert "fran" not in issued_codes(output)
    assert not (course / "certificates" / "certificate-fran.pdf").exists()
    assert "fran: no certificate: core 57% (below 70%)" in output
    _, output = run(course, "core", "--min", "50", "--lang", "fr", capsys=capsys)
    assert "fran" in issued_codes(output)
    text = " ".join(pdf_text(course / "certificates" / "certificate-fran.pdf")
                    .replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "atteint dans chacun la note minimale requise, soit 50 % des points" in text
    assert "8 points sur 14 (57 %)" in text
    assert "succès" not in text and "réussite" not in text


def test_a_pass_mark_just_missed_is_not_rounded_up(course, capsys):
    _, output = run(course, "core", "--min", "57.5", capsys=capsys)  # fran: 8/14 = 57.14%
    assert "fran: no certificate: core 57% (below 57.5%)" in output
    _, output = run(course, "core", "--min", "57.1", "--lang", "fr", capsys=capsys)
    assert "fran" in issued_codes(output)
    text = " ".join(pdf_text(course / "certificates" / "certificate-fran.pdf")
                    .replace("\u00a0", " ").replace("\u202f", " ").split())
    assert "soit 57,1 % des points" in text  # the pass mark with a decimal comma


def test_no_certificate_without_an_issuer_that_fits_the_page(course, capsys):
    code, output = run(course, "core", capsys=capsys, issuer=None)
    assert code == 1 and "Say who issues the certificates" in output and "--issuer" in output
    code, output = run(course, "core", capsys=capsys, issuer="x" * 121)
    assert code == 1 and "holds 120 characters; this one has 121" in output
    assert not (course / "certificates").exists()
    code, output = run(course, "core", capsys=capsys, issuer="x" * 120)
    assert code == 0 and (course / "certificates" / "certificate-ana.pdf").exists()


def test_each_trainee_gets_the_language_they_took_the_course_in(course, capsys):
    """A mixed class: fran submitted core_fr, ana core; --lang forces one language."""
    _, output = run(course, "core", "--min", "50", capsys=capsys)
    assert re.search(r"^fran: certificates/certificate-fran.pdf \(French, code ", output, re.M)
    assert re.search(r"^ana: certificates/certificate-ana.pdf \(English, code ", output, re.M)
    folder = course / "certificates"
    fran = " ".join(pdf_text(folder / "certificate-fran.pdf").split())
    ana = " ".join(pdf_text(folder / "certificate-ana.pdf").split())
    assert "Certificat de fin de formation" in fran and "Certificate of completion" not in fran
    assert re.search("Délivré le " + LONG_DATE["fr"], fran)
    assert "Certificate of completion" in ana and re.search("Issued on " + LONG_DATE["en"], ana)
    _, output = run(course, "core", "--min", "50", "--lang", "es", capsys=capsys)
    assert re.search(r"^fran: certificates/certificate-fran-2.pdf \(Spanish, code ", output,
                     re.M)
    forced = " ".join(pdf_text(folder / "certificate-fran-2.pdf").split())
    assert "Certificado de finalización" in forced
    assert re.search("Expedido el " + LONG_DATE["es"], forced)


def test_a_lower_pass_mark_and_two_modules(course, capsys):
    _, output = run(course, "core", "--min", "50", capsys=capsys)
    assert sorted(issued_codes(output)) == ["ana", "fran"]  # fran's 8 of 14 passes at 50%
    _, output = run(course, "core", "module1", "--min", "50", capsys=capsys)
    assert list(issued_codes(output)) == ["ana"]
    assert "fran: no certificate: module1 not submitted" in output


def test_tampered_unknown_and_outdated_codes_are_refused(course, capsys):
    _, output = run(course, "core", "--min", "50", capsys=capsys)
    good = issued_codes(output)["fran"]
    changed = good[:-1] + ("A" if good[-1] != "A" else "B")
    code, output = run(course, "verify", changed, capsys=capsys)
    assert code == 1 and output.startswith("Refused: no certificate with the code")
    code, output = run(course, "verify", "not a code", capsys=capsys)
    assert code == 1 and "is not a certificate code" in output
    # Someone raises fran's score in the register: its HMAC no longer matches.
    register = course / ".mld-grade" / "certificates.jsonl"
    entries = [json.loads(line) for line in register.read_text().splitlines()]
    for entry in entries:
        if entry["content"]["trainee"] == "fran":
            entry["content"]["modules"][0][1] = 14.0
    register.write_text("".join(json.dumps(e) + "\n" for e in entries))
    code, output = run(course, "verify", good, capsys=capsys)
    assert code == 1 and "was changed after the certificate was issued" in output


def test_a_certificate_regraded_since_is_refused_with_the_new_scores(course, capsys):
    from nbgrader.api import Gradebook

    _, output = run(course, "core", "--min", "70", capsys=capsys)
    good = issued_codes(output)["ana"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        gradebook.find_grade("q1_test", "03_two_way_link", "core", "ana").manual_score = 1
        gradebook.db.commit()
    code, output = run(course, "verify", good, capsys=capsys)
    assert code == 1
    assert "no longer matches the gradebook (core: 14 of 14 on the certificate, 11 of 14 now)" \
        in output


def test_the_key_stays_with_the_gradebook_and_is_the_owners_only(course, capsys):
    run(course, "core", "--min", "70", capsys=capsys)
    key = course / ".mld-grade" / "certificates.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    pdf = next((course / "certificates").glob("*.pdf"))
    assert key.read_text().strip() not in pdf_text(pdf)
    other = course.parent / "other"  # another course folder: its own key, no register
    other.mkdir()
    shutil.copy(course / "nbgrader_config.py", other)
    shutil.copy(course / "gradebook.db", other)
    code, output = run(other, "verify", "ABCD-EFGH-JKLM-NPQR-STUV", capsys=capsys)
    assert code == 1 and "No certificate has been issued from" in output


def test_an_unknown_module_or_an_ungraded_one_is_a_plain_message(course, capsys):
    code, output = run(course, "corr", capsys=capsys)
    assert code == 1 and "'corr' is not a module of the course" in output
    code, output = run(course, "module2", capsys=capsys)
    assert code == 1 and "no assignment of module2: grade it first (mld grade module2)" in output


@pytest.mark.parametrize("language, words", [
    ("en", ["Certificate of completion", "This certifies that", "Françoise Çelik-Muñoz",
            "8 of 14 points (57%)", "Issued by", "Verification code:",
            "This document is not issued by the ITC-ILO, IOM or the JMDI."]),
    ("fr", ["Certificat de fin de formation", "Le présent certificat atteste que",
            "Françoise Çelik-Muñoz", "8 points sur 14 (57 %)",
            "Module de base : introduction à la migration et au développement local",
            "Délivré par", "Code de vérification :",
            "Ce document n'est délivré ni par le CIF-OIT, ni par l'OIM, ni par la JMDI."]),
    ("es", ["Certificado de finalización", "Se certifica que", "Françoise Çelik-Muñoz",
            "8 de 14 puntos (57 %)",
            "Módulo básico: introducción a la migración y el desarrollo local",
            "Expedido por", "Código de verificación:",
            "Este documento no lo expiden el CIF-OIT, la OIM ni la JMDI."]),
])
def test_certificates_print_every_letter_in_three_languages(course, capsys, tmp_path,
                                                            language, words):
    code, output = run(course, "core", "--min", "50", "--lang", language, capsys=capsys)
    assert code == 0, output
    pdf = course / "certificates" / "certificate-fran.pdf"
    text = " ".join(pdf_text(pdf).replace("\u00a0", " ").replace("\u202f", " ").split())
    for phrase in [*words, ISSUER, issued_codes(output)["fran"]]:
        assert phrase in text, phrase
    assert re.search(LONG_DATE[language], text)
    assert _one_landscape_page(pdf)
    png = render(pdf, tmp_path / "page.png")
    assert png.stat().st_size > 10_000  # a page with text, not a blank one
    if os.environ.get("MLD_SCREENSHOTS") == "1":
        shutil.copy(png, SHOTS / f"certificate-{language}.png")


# A plain space where the typography wants a non-breaking one: a line could start with it.
BREAKABLE = {"fr": re.compile(r" [:;?!%»]|« "), "es": re.compile(r" %")}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_the_documents_words_keep_their_signs_with_a_non_breaking_space(language):
    """French: a no-break space before : ; ? ! % and inside « »; Spanish: before %. fpdf2
    does not break a line at U+00A0, so no line of a certificate starts with ':' or '%'."""
    from datetime import date

    from toolbox_widgets.trainee import certificate, i18n

    modules = [("core", 8.0, 14.0), ("module1", 20.0, 25.0)]
    try:
        i18n.use_language(language)
        pages = [certificate.certificate_document("Ana", modules, date(2026, 12, 5),
                                                  "ABCD", ISSUER, 0.5),
                 certificate.statement_document("", modules, date(2026, 12, 5), 0.7)]
        about = certificate._about_the_course()
    finally:
        i18n.use_language("en")
    for page in pages:
        words = [page.title, page.lead, page.name, page.body, page.dated, page.code_line,
                 page.note, about, *(cell for row in page.rows for cell in row)]
        for text in words:
            assert not BREAKABLE[language].search(text), text
        assert "\u00a0%" in page.body  # the pass mark's share, as the catalog writes it


def _one_landscape_page(pdf: Path) -> bool:
    """One page of A4 landscape: pdfinfo says 841.89 x 595.28 pts."""
    info = subprocess.run([poppler("pdfinfo"), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    return (re.search(r"Pages:\s+1\n", info) is not None and size is not None
            and round(float(size[1])) == 842 and round(float(size[2])) == 595)
