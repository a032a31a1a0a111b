"""My action plan (the trainee's reflections about their territory, as chapters) and the
self-study statement of completion: written from the trainee's own copy by the overview's
buttons, as HTML and PDF, in the copy's language. The PDFs are read back with pdftotext and
rendered with pdftoppm; MLD_SCREENSHOTS=1 saves one page of each to docs/screenshots/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from conftest import ROOT
from pdf_tools import pdf_text, poppler, render
from test_certificates import LONG_DATE, SHOTS
from test_home import CORE_01, copy, english  # noqa: F401 (english: an autouse fixture)

from toolbox_widgets.trainee import action_plan, home
from toolbox_widgets.trainee.answers import AnswerStore

MINE = ("In Ñuñoa, the municipal registry counts residents born abroad every year; the "
        "«Maison des migrants» at the façade of the town hall would keep the figures.")
CASE = "Naga's one-stop centre would suit our district: the diaspora association is ready."




def words(path) -> str:
    return " ".join(pdf_text(path).replace("\u00a0", " ").replace("\u202f", " ").split())


def pdf_info(path) -> str:
    return subprocess.run([poppler("pdfinfo"), str(path)], capture_output=True, text=True,
                          check=True).stdout


def reflect(core, self_study=True):
    AnswerStore(CORE_01, core, self_study=self_study).set("r1", MINE)
    AnswerStore("core_06_case_study_bicol", core, self_study=self_study).set("r1", CASE)


def complete(core):
    """Every scored exercise of Core checked right, each for its points (the class
    version's marks; the self-study notebooks keep only their total)."""
    marks = {n.path.name: n.points for n in
             home.find_modules(ROOT / "release" / core.name)[0].notebooks}
    for state in home.find_modules(core)[0].notebooks:
        store = AnswerStore(state.workbook, core, self_study=True) if state.workbook else None
        for item in state.required:
            if item not in state.reflections:
                store.set(item, "answer")
                store.set_check(item, "answer", marks[state.path.name][item])


def test_the_plan_gathers_the_reflections_as_chapters(tmp_path):
    core = copy(tmp_path, "selfstudy")
    reflect(core)
    html_file, pdf_file = action_plan.write_plan(core, "Ana Núñez")
    assert html_file.parent == pdf_file.parent == core.parent  # next to the module folders
    text = words(pdf_file)
    assert "My local migration-and-development action plan" in text
    assert "Written by Ana Núñez on" in text
    assert " ".join(MINE.split()) in text and CASE in text
    # The notebook's name, then its question, then the trainee's words.
    notebook = text.index("Why local? Migration and development in numbers")
    question = text.index("Which two or three migration figures would matter most")
    diagnosis, partners = text.index("Diagnosis: migration"), text.index("Partners")
    assert diagnosis < notebook < question < text.index("In Ñuñoa") < partners
    assert "This chapter comes with Module 2: partnerships" in text  # not in the copy yet
    assert not re.search(r"\b1 ?/ ?1\b", text)  # one page: no page number
    page = html_file.read_text(encoding="utf-8")
    assert "<script" not in page
    # The HTML has the same hierarchy: the question small and grey, the answer the main text.
    assert re.search(r'<p class="prompt"><span class="label">Why local\? Migration and '
                     r"development in numbers</span><br>Which two or three", page)
    assert '<div class="own-words"><p>In Ñuñoa, the municipal registry' in page
    assert re.search(r"\.prompt \{ font-size: 0\.85rem; color: #505050;", page)
    assert re.search(r"\.own-words \{ font-size: 1\.05rem;", page)
    assert render(pdf_file, tmp_path / "plan.png").stat().st_size > 10_000
    if os.environ.get("MLD_SCREENSHOTS") == "1":
        shutil.copy(tmp_path / "plan.png", SHOTS / "action-plan-en.png")


def test_a_long_answer_is_kept_whole_in_order_with_its_line_breaks(tmp_path):
    """300 words in four paragraphs, a line break after each sentence: every word, in order,
    in the PDF (over pages numbered "1 / 2" …) and in the HTML, where the breaks stay."""
    sentences = [f"Step {n}: the council meets the diaspora of Ñuñoa again."
                 for n in range(1, 31)]  # 30 sentences of 10 words
    paragraphs = ["\n".join(sentences[i:i + 8]) for i in range(0, 30, 8)]
    long = "\n\n".join(paragraphs)
    assert len(long.split()) == 300
    core = copy(tmp_path, "selfstudy")
    reflect(core)
    AnswerStore(CORE_01, core, self_study=True).set("r1", long)
    html_file, pdf_file = action_plan.write_plan(core, "Ana Núñez")
    text = words(pdf_file)
    assert " ".join(long.split()) in text  # whole and in order
    pages = int(re.search(r"Pages:\s+(\d+)", pdf_info(pdf_file)).group(1))
    assert pages >= 2  # pdftotext reads the small "1 / 2" as "1/2"
    assert re.findall(r"\b(\d) ?/ ?(\d)\b", text) == [(str(n), str(pages))
                                                    for n in range(1, pages + 1)]
    assert text.count("Written by Ana Núñez on") == pages  # each page says whose it is
    lines = pdf_text(pdf_file).splitlines()
    for sentence in sentences:  # short lines: the trainee's line breaks are the PDF's
        assert sentence in lines, sentence
    page = html_file.read_text(encoding="utf-8")
    assert "".join(f"<p>{p}</p>" for p in paragraphs) in page
    assert ".own-words p { white-space: pre-line;" in page  # the breaks inside a paragraph


def test_a_plan_is_never_overwritten_and_takes_the_latest_answers(tmp_path):
    core = copy(tmp_path, "release")
    reflect(core, self_study=False)
    first = action_plan.write_plan(core)[1]
    AnswerStore(CORE_01, core).set("r1", "A newer plan for the district.")
    second = action_plan.write_plan(core)[1]
    assert first.name == "my-action-plan.pdf" and second.name == "my-action-plan-2.pdf"
    assert "In Ñuñoa" in words(first) and "A newer plan for the district." in words(second)


def test_a_damaged_answers_file_leaves_its_chapter_empty_not_broken(tmp_path):
    core = copy(tmp_path, "selfstudy")
    for state in home.find_modules(core)[0].notebooks:
        if state.workbook:
            (core / f"{state.workbook}.answers.json").write_text("{", encoding="utf-8")
    text = words(action_plan.write_plan(core)[1])
    assert "Nothing written yet: your reflections from these modules appear here" in text
    assert "Written by" in text  # the rest of the plan is there


def test_the_statement_waits_for_the_threshold_and_says_what_is_missing(tmp_path):
    core = copy(tmp_path, "selfstudy")
    path, missing = action_plan.write_statement(core, "Ana Núñez")
    assert path is None and not list(core.parent.glob("*.pdf"))
    assert missing == [("Core: introduction to migration and local development: 0% of the "
                       "points scored so far; 70% are needed.")]
    complete(core)
    path, missing = action_plan.write_statement(core, "Ana Núñez", ["module1"])
    assert path is None and missing == [
        ("Module 1: managing the link between migration and local development is not in your "
        "course folder.")]
    path, missing = action_plan.write_statement(core, "Ana Núñez")
    assert missing == [] and path.name == "my-statement-of-completion.pdf"
    text = words(path)
    assert "Statement of completion (self-assessed)" in text and "Ana Núñez states" in text
    assert "no instructor or institution has checked them. It is not a certificate." in text
    assert "57 of 57 points (100%)" in text
    assert "In this statement, written by the learner, Ana Núñez states that" in text
    # Self-assessed: no code to verify, no one certifying, no issuer.
    assert "Verification code" not in text and "certifies" not in text
    assert "Issued" not in text and "This document is not issued by the ITC-ILO" in text
    assert render(path, tmp_path / "statement.png").stat().st_size > 10_000
    if os.environ.get("MLD_SCREENSHOTS") == "1":
        shutil.copy(tmp_path / "statement.png", SHOTS / "statement-en.png")


def test_the_class_version_has_no_statement(tmp_path):
    core = copy(tmp_path, "release")
    path, missing = action_plan.write_statement(core, "Ana")
    assert path is None and "your instructor issues certificates" in missing[0]
    box = action_plan.my_documents(core)
    assert [getattr(c, "description", "") for c in box.children][:2] == [
        "Your name:", "Write my action plan"]
    assert not any("statement" in getattr(c, "description", "") for c in box.children)


def test_the_buttons_say_what_they_wrote_or_why_not(tmp_path):
    core = copy(tmp_path, "selfstudy")
    reflect(core)
    box = action_plan.my_documents(core)
    name, plan, statement, said = box.children  # no optional module in the copy: no list
    name.value = "Françoise Çelik-Muñoz"
    plan.click()
    assert "✔ Written: my-action-plan.html" in said.value
    assert "✔ Written: my-action-plan.pdf" in said.value and 'role="status"' in said.value
    assert "Written by Françoise Çelik-Muñoz" in words(core.parent / "my-action-plan.pdf")
    statement.click()
    assert "○ Not yet:" in said.value and "70% are needed" in said.value
    assert not (core.parent / "my-statement-of-completion.pdf").exists()


@pytest.mark.parametrize("language, expected", [
    ("fr", ["Mon plan d'action", "Diagnostic", "Ñuñoa", "façade",
            "Attestation de fin de formation (auto-évaluation)", "Ce n'est pas un certificat."]),
    ("es", ["Mi plan de acción", "Diagnóstico", "Ñuñoa", "façade",
            "Constancia de finalización (autoevaluación)", "No es un certificado."]),
])
def test_the_documents_speak_the_copy_language(tmp_path, language, expected):
    core = copy(tmp_path, "selfstudy", f"core_{language}")
    reflect(core)
    complete(core)
    page, plan = action_plan.write_plan(core, "Ana Núñez")
    title = {"fr": "Mon plan d&#x27;action local pour la migration et le développement",
             "es": "Mi plan de acción local de migración y desarrollo"}[language]
    assert f"<h1>{title}</h1>" in page.read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in page.read_text(encoding="utf-8")
    statement, missing = action_plan.write_statement(core, "Ana Núñez")
    assert not missing
    text = words(plan) + " " + words(statement)
    for phrase in expected:
        assert phrase in text, phrase
    assert "Diagnosis" not in text and "Statement of completion" not in text
    assert "Code de vérification" not in text and "Código de verificación" not in text
    written = {"fr": "Établie le ", "es": "Redactada el "}[language]
    assert re.search(written + LONG_DATE[language], words(statement))  # the language's date
    if os.environ.get("MLD_SCREENSHOTS") == "1":
        shutil.copy(render(plan, tmp_path / "plan.png"), SHOTS / f"action-plan-{language}.png")
        shutil.copy(render(statement, tmp_path / "statement.png"),
                    SHOTS / f"statement-{language}.png")


def test_the_questions_come_from_every_reflection_of_core():
    for notebook in sorted((ROOT / "selfstudy" / "core").glob("0[1-7]_*.ipynb")):
        questions = action_plan.reflection_questions(notebook)
        assert list(questions) == ["r1"], notebook.name
        assert len(questions["r1"].split()) >= 8, notebook.name  # a question, not an id


def test_documents_made_with_a_module_tool_are_named_in_its_chapter(tmp_path):
    core = copy(tmp_path, "selfstudy")
    module1 = tmp_path / "selfstudy" / "module1"
    module1.mkdir()
    shutil.copy(core / "01_why_local.ipynb", module1 / "01_profile.ipynb")
    (module1 / "migration_profile_são-tomé.pdf").write_bytes(b"%PDF-1.4")
    (module1 / "notes.pdf").write_bytes(b"%PDF-1.4")  # not a tool's output
    text = words(action_plan.write_plan(core)[1])
    diagnosis, partners = text.index("Diagnosis: migration"), text.index("Partners")
    named = text.index("module1/migration_profile_são-tomé.pdf")
    assert diagnosis < named < partners
    assert "Documents you made with the tools of Module 1: managing the link" in text
    assert "notes.pdf" not in text


def test_no_buttons_under_nbgrader(tmp_path, monkeypatch):
    core = copy(tmp_path, "release")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert action_plan.my_documents(core) is None
