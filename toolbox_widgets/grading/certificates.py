"""``mld certificates``: certificates for a class, from the gradebook, and their check.

    mld certificates core module1 --min 70 --issuer "A. Diallo, Dakar regional council"
    mld certificates verify ABCD-EFGH-JKLM-NPQR-STUV

One PDF per trainee who reached the pass mark (--min) in every module named; the command
names everyone left out and why, and a certificate never claims more than its scores show.
Each certificate is in the language the trainee took the course in (core_fr: French; the
first module named in a language other than English decides), unless --lang forces one.

A certificate names the trainee, each module with its score, the date and a verification
code: an HMAC-SHA256 of the certificate's content with a secret kept next to the gradebook
(``.mld-grade/certificates.key``, made on first use, readable by its owner only; never in a
trainee's folder). Each issued certificate is written to a register
(``.mld-grade/certificates.jsonl``). ``verify`` finds the code in the register, recomputes
its HMAC (a changed register entry is refused) and compares the scores with the gradebook
now (a regraded trainee's old certificate is refused, with the new scores). A code with one
character changed is simply unknown: the HMAC makes codes impossible to guess.

A module's languages count as one module, and a trainee's latest submission counts, as in
the LMS CSV (command.gradebook_scores). Written reflections count once marked.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import json
import math
import os
import re
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from ..course import layout

FOLDER = ".mld-grade"
KEY = "certificates.key"
REGISTER = "certificates.jsonl"
CODE_LENGTH = 20  # base32 characters: 100 bits of the HMAC
ISSUER_LENGTH = 120  # three lines under the signature line, above the code
LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish"}


class CertificateError(Exception):
    """A problem the instructor can fix; the message says how."""


def add_certificates_command(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "certificates", help="issue certificates from the gradebook, or verify a code",
        description="Issue one PDF certificate per trainee who reached --min percent in every "
                    "module named (mld certificates core module1 --min 70), or check a "
                    "certificate's code (mld certificates verify CODE).")
    parser.add_argument("modules", nargs="+", metavar="MODULE",
                        help="modules (core, module1 …), or: verify CODE")
    parser.add_argument("--min", type=float, default=70.0, metavar="PERCENT",
                        help="the share of each module's points a trainee needs "
                             "(default: %(default)s)")
    parser.add_argument("--root", default=".", help="the course folder (default: here)")
    parser.add_argument("--db-url", help="the gradebook (default: gradebook.db in the course "
                                         "folder)")
    parser.add_argument("--out", default="certificates",
                        help="folder for the PDFs, inside the course folder unless absolute "
                             "(default: %(default)s)")
    parser.add_argument("--issuer", metavar="TEXT",
                        help="who issues the certificates, printed on each: the instructor "
                             "and/or organisation, such as \"A. Diallo, Dakar regional "
                             "council\" (needed to issue)")
    parser.add_argument("--lang", "--language", dest="language", choices=["en", "fr", "es"],
                        help="one language for every certificate (default: each trainee's "
                             "language, from the assignment they submitted: core_fr is "
                             "French)")
    parser.set_defaults(run=cmd_certificates)
    return parser


def cmd_certificates(args) -> int:
    root = Path(args.root).resolve()
    if problem := layout.course_problem(root, authored=False):
        sys.exit(problem)
    url = args.db_url or f"sqlite:///{root / 'gradebook.db'}"
    try:
        if args.modules[0] == "verify":
            if len(args.modules) != 2:
                raise CertificateError("Give one code: mld certificates verify CODE")
            valid, message = verify(root, url, args.modules[1])
            print(message)
            return 0 if valid else 1
        if not (args.issuer or "").strip():
            raise CertificateError(
                'Say who issues the certificates, as it should be printed on them: '
                '--issuer "A. Diallo, Dakar regional council".')
        if len(args.issuer.strip()) > ISSUER_LENGTH:
            raise CertificateError(
                f"--issuer is printed under the signature line, which holds {ISSUER_LENGTH} "
                f"characters; this one has {len(args.issuer.strip())}. Shorten it, such as "
                '"A. Diallo, Dakar regional council".')
        issued, refused = issue(root, url, args.modules, args.min / 100,
                                root / args.out, args.language, args.issuer.strip())
    except CertificateError as error:
        print(error, file=sys.stderr)
        return 1
    for trainee, path, code, language in issued:
        print(f"{trainee}: {path.relative_to(root) if path.is_relative_to(root) else path} "
              f"({LANGUAGE_NAMES.get(language, language)}, code {code})")
    for trainee, reason in refused:
        print(f"{trainee}: no certificate: {reason}")
    print(f"{len(issued)} certificate(s) issued, {len(refused)} trainee(s) without one.")
    return 0


# --- the secret and the code --------------------------------------------------------

def secret(root: Path, create: bool = False) -> bytes:
    """The course's certificate key; made (owner-only) on first issue."""
    path = root / FOLDER / KEY
    if not path.exists():
        if not create:
            raise CertificateError(
                f"No certificate has been issued from {root}: its key {FOLDER}/{KEY} does not "
                "exist. Verify in the course folder that issued the certificate (--root).")
        path.parent.mkdir(exist_ok=True)
        with contextlib.suppress(FileExistsError):  # two runs at once: the first one's key
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(handle, "w") as file:
                file.write(os.urandom(32).hex() + "\n")
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError) as error:
        raise CertificateError(
            f"The certificate key {path} cannot be read ({error}). Restore it from your "
            "backup: without it no issued certificate can be verified.") from None


def _canonical(content: dict) -> bytes:
    return json.dumps(content, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def code_for(content: dict, key: bytes) -> str:
    """ABCD-EFGH-JKLM-NPQR-STUV: the first 100 bits of the content's HMAC, in base32
    (letters and the digits 2 to 7 only: no 0 or 1 to mistake for O or I)."""
    mac = hmac.new(key, _canonical(content), hashlib.sha256).digest()
    letters = base64.b32encode(mac).decode("ascii")[:CODE_LENGTH]
    return "-".join(letters[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normalized(code: str) -> str:
    return re.sub(r"[^A-Z2-7]", "", code.upper())


# --- the gradebook ------------------------------------------------------------------

def module_scores(url: str, modules: list[str]) -> tuple[dict, dict, dict, dict]:
    """({module: its points}, {trainee: {module: score}}, {trainee: name},
    {trainee: language}) from the gradebook, a module's languages as one. A trainee's
    language is that of the first module, in the order named, they submitted in a language
    other than English (a module not yet translated does not change it); else English."""
    from nbgrader.api import Gradebook

    from .command import gradebook_scores

    with Gradebook(url) as gradebook:
        names = [a.name for a in gradebook.assignments]
        people = {s.id: " ".join(p for p in (s.first_name, s.last_name) if p) or s.id
                  for s in gradebook.students}
    possible, scores, spoken = {}, {p: {} for p in people}, {}
    for module in modules:
        if module not in layout.MODULES:
            raise CertificateError(f"{module!r} is not a module of the course: use "
                                   f"{', '.join(layout.MODULES)}.")
        languages = sorted(n for n in names if layout.module_of(n) == module)
        if not languages:
            raise CertificateError(f"The gradebook has no assignment of {module}: grade it "
                                   f"first (mld grade {module}).")
        columns, rows = gradebook_scores(url, module if module in languages else languages[0])
        possible[module] = float(columns[0][1])
        for row in rows:
            scores.setdefault(row["id"], {})[module] = float(row["scores"][0] or 0)
            if layout.language_of(row["assignment"]) and row["id"] not in spoken:
                spoken[row["id"]] = layout.language_of(row["assignment"])
    return possible, scores, people, {p: spoken.get(p, "en") for p in scores}


def issue(root: Path, url: str, modules: list[str], share: float, out: Path,
          language: str | None = None, issuer: str = "") -> tuple[list, list]:
    """Write a certificate for each trainee at or above share in every module, in their
    language (or `language` for all); returns ([(trainee, pdf, code, language)],
    [(trainee, reason)])."""
    from ..trainee import i18n
    from ..trainee.certificate import COURSE, certificate_document
    from ..trainee.documents import safe_stem, write_new

    if not 0 < share <= 1:
        raise CertificateError("--min is a percentage between 0 and 100, such as 70.")
    possible, scores, people, spoken = module_scores(url, modules)
    key = secret(root, create=True)
    today = datetime.now(timezone.utc).date()
    issued, refused = [], []
    try:
        for trainee in sorted(scores):
            mine = scores[trainee]
            missing = [m for m in modules if m not in mine]
            # Rounded down: 69.6% is never shown as the 70% it did not reach.
            low = [f"{m} {math.floor(100 * mine[m] / possible[m]) if possible[m] else 0}%"
                   for m in modules
                   if m in mine and (not possible[m] or mine[m] < share * possible[m] - 1e-9)]
            if missing or low:
                refused.append((trainee, "; ".join(
                    [f"{m} not submitted" for m in missing]
                    + [f"{part} (below {100 * share:g}%)" for part in low])))
                continue
            content = {"course": COURSE, "trainee": trainee, "name": people[trainee],
                       "modules": [[m, mine[m], possible[m]] for m in modules],
                       "date": today.isoformat(), "pass_mark": share, "issuer": issuer}
            code = code_for(content, key)
            wanted = language or spoken[trainee]
            note = i18n.use_language(wanted)
            if note and language:
                raise CertificateError(note)
            if note:  # a language the package has no messages in: English, said in the list
                wanted = "en"
            document = certificate_document(people[trainee],
                                            [(m, mine[m], possible[m]) for m in modules],
                                            today, code, issuer, share)
            path = write_new(out, f"certificate-{safe_stem(trainee)}", ".pdf",
                             document.pdf_bytes())
            _register(root, code, content)
            issued.append((trainee, path, code, wanted))
    finally:
        i18n.use_language("en")
    return issued, refused


def _register(root: Path, code: str, content: dict) -> None:
    with open(root / FOLDER / REGISTER, "a", encoding="utf-8") as file:
        file.write(json.dumps({"code": code, "content": content}, ensure_ascii=False) + "\n")


def _registered(root: Path, code: str) -> dict | None:
    path = root / FOLDER / REGISTER
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            if normalized(entry["code"]) == code:
                return entry["content"]
        except (ValueError, KeyError, TypeError):
            continue  # a damaged line proves nothing; the others still count
    return None


def verify(root: Path, url: str, code: str) -> tuple[bool, str]:
    """(valid, one plain message) for a certificate's code."""
    wanted = normalized(code)
    key = secret(root)
    if len(wanted) != CODE_LENGTH:
        return False, (f"Refused: {code!r} is not a certificate code. A code has "
                       f"{CODE_LENGTH} letters and digits, such as ABCD-EFGH-JKLM-NPQR-STUV.")
    content = _registered(root, wanted)
    if content is None:
        return False, (f"Refused: no certificate with the code {code} was issued from this "
                       "course's gradebook. Check that it is typed as printed; a code with "
                       "one character changed is not valid.")
    if normalized(code_for(content, key)) != wanted:
        return False, (f"Refused: the register entry of {code} does not match its code: "
                       f"{FOLDER}/{REGISTER} was changed after the certificate was issued.")
    modules = [m for m, _score, _possible in content["modules"]]
    possible, scores, _people, _spoken = module_scores(url, modules)
    now = scores.get(content["trainee"], {})
    changed = [f"{m}: {score:g} of {most:g} on the certificate, "
               f"{now[m]:g} of {possible[m]:g} now" if m in now else f"{m}: no longer graded"
               for m, score, most in content["modules"]
               if m not in now or (now[m], possible[m]) != (score, most)]
    summary = "; ".join(f"{m} {score:g} of {most:g} points" for m, score, most
                        in content["modules"])
    who = f"{content['name']} ({content['trainee']})"
    if changed:
        return False, (f"Refused: the certificate of {who} issued on {content['date']} no "
                       f"longer matches the gradebook ({'; '.join(changed)}). Issue a new one.")
    day = date.fromisoformat(content["date"])
    issued = f"{day.day} {day:%B %Y}"
    by = f" by {content['issuer']}" if content.get("issuer") else ""
    return True, f"Valid: certificate of {who}, issued on {issued}{by}: {summary}."
