"""Rebuild tests/data/corpus from the full development corpus (../shared/corpus by default).

The tests need a few real documents, not all 167: this copies the ones they name (same paths under
docs/), the questions those files answer, the hostile inputs of bad/ except the 5 MiB generated
line (tests make it), and writes LICENSES.md from the corpus manifest.

    python tests/data/make_test_corpus.py [FULL_CORPUS]
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "corpus"

# Sources of the retrieval-quality subset (tests/unit/search/test_retrieval_quality.py).
RETRIEVAL = [
    "graphviz/man/gvpr.1.pdf",
    "graphviz/guides/neatoguide.pdf",
    "web/apache/modules/mod_ratelimit.html",
    "web/apache/modules/mod_reqtimeout.html",
    "web/apache/programs/htpasswd.html",
    "web/apache/howto/htaccess.html",
    "gnu/m4/Divert.html",
    "gnu/gettext/msgfmt.1.html",
    "debian/securing-debian/network-secure.html",
    "web/apache/exports/mod_expires reference.docx",
    "web/apache/exports/Apache CGI tutorial.docx",
    "web/apache/exports/Apache SSI tutorial.docx",
    "web/apache/exports/Performance tuning notes.docx",
    "debian/securing-debian/Securing BIND.docx",
    "debian/securing-debian/Security updates.docx",
    "net/curl/PARALLEL-TRANSFERS.md",
    "net/curl/SSLCERTS.md",
    "net/curl/HTTP-COOKIES.md",
    "net/curl/HSTS.md",
    "net/curl/MQTT.md",
    "net/openssh/README.dns.txt",
    "net/openssh/README.tun.txt",
    "perl/text/perlstyle.txt",
    "git/technical/racy-git.txt",
    "git/technical/partial-clone.txt",
]
# Named by other tests: indexing, re-indexing, crash safety, loaders, the window.
OTHERS = [
    "net/curl/ALTSVC.md",
    "net/curl/WEBSOCKET.md",
    "net/curl/HTTP2.md",
    "net/curl/SSL-PROBLEMS.md",
    "gnu/flex/README.md",
    "gnu/m4/Forloop.html",
    "gnu/m4/Define.html",
    "git/howto/using-merge-subtree.txt",
    "git/technical/multi-pack-index.txt",
    "git/commands/git-reflog.html",  # the smallest git HTML page: its footer is boilerplate
    "web/apache/exports/RewriteMap.docx",
    "web/apache/modules/mod_dir.html",
    "shells/zsh/manual/Files.html",
    "graphviz/man/dot.1.pdf",
    "graphviz/guides/dottyguide.pdf",  # 1990s Distiller PDF: TeX ligature codes, a "full.dvi" title
    "debian/faq/debian-faq.en.pdf",  # a PDF whose metadata holds a real title
    "net/rsync/NEWS.md",  # one release per heading
]
HUGE_LINE = "huge-single-line.txt"


def build(full: Path) -> None:
    if TARGET.exists():
        shutil.rmtree(TARGET)
    files = sorted(set(RETRIEVAL + OTHERS))
    for rel in files:
        dest = TARGET / "docs" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(full / "docs" / rel, dest)
    shutil.copytree(
        full / "bad",
        TARGET / "bad",
        ignore=shutil.ignore_patterns(HUGE_LINE, "make_bad.py"),
        copy_function=shutil.copyfile,
    )
    for path in (TARGET / "bad").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    kept = []
    for line in (full / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip() and set(json.loads(line)["sources"]) <= set(files):
            kept.append(line)
    (TARGET / "questions.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    with (full / "manifest.tsv").open(encoding="utf-8") as handle:
        manifest = {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}
    write_licenses(files, manifest)


def write_licenses(files: list[str], manifest: dict[str, dict[str, str]]) -> None:
    rows = "\n".join(
        f"| `{rel}` | {row['package']} {row['version']} | `{row['original_path']}`"
        f" | {row['license_as_stated']} |"
        for rel, row in ((rel, manifest[rel]) for rel in files)
    )
    (HERE / "LICENSES.md").write_text(
        f"""# Licences of the test documents

`corpus/docs/` holds {len(files)} real documents copied unchanged from Kenning's development corpus
(`../shared/corpus`, rebuilt by `make_test_corpus.py`), so that a clone alone runs every test. Nobody on
the Kenning team wrote them: they are manuals and READMEs shipped in Debian 12 ("bookworm") packages
(the DOCX files are LibreOffice conversions of the packages' HTML pages: see the corpus README).
They are test data, kept as separate files and never part of Kenning's program; each keeps its own
licence, as stated in its package's copyright file (`/usr/share/doc/PACKAGE/copyright`), which the
table names. Where that licence is the GPL or GFDL, the complete source is the file itself, and the
licence texts are at https://www.gnu.org/licenses/.

| file under `corpus/docs/` | Debian package | original path | licence |
| --- | --- | --- | --- |
{rows}

`corpus/questions.jsonl` holds the development corpus's questions whose sources are all above
(written by the Kenning team). `corpus/bad/` holds the team's hostile inputs, made by the
development corpus's `bad/make_bad.py` (Apache-2.0, as Kenning); its damaged PDFs are cut from
`graphviz/man/gvpr.1.pdf` (EPL-1.0). The 5 MiB `huge-single-line.txt` is left out; the tests that
need it write it (`tests/helpers/bad_inputs.py`).
""",
        encoding="utf-8",
    )


if __name__ == "__main__":
    build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "corpus")
