"""Calibration set: fastaudit on real, public FastAPI applications (issue 12).

Every project is pinned (a git commit, or a PyPI sdist with its sha256) and materialised
into a cache outside the repository, never into the test suite:

    python benchmarks/calibration.py fetch    # unpack each pinned source into the cache
    python benchmarks/calibration.py run      # audit each, save JSON, print counts per rule
    python benchmarks/calibration.py sample   # reproducible random sample per rule -> worksheet
    python benchmarks/calibration.py precision  # judgements file -> precision table (markdown)

The cache is ``$FASTAUDIT_CALIBRATION_DIR`` or ``~/.cache/fastaudit-calibration``: projects
in ``<cache>/<name>/``, reports in ``<cache>/results/``. Git sources are read from a bare
mirror (``$FASTAUDIT_MIRROR_DIR``, default ``/work/.mirror``, one ``owner+name/repo`` per
repository); the worksheet quotes third-party code, so it is written to the cache too, not
into the repository. Standard library only.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from fastaudit.redirects import canonical

SEED = 20261201
PER_RULE = 8
HERE = Path(__file__).resolve().parent
JUDGEMENTS = HERE / "calibration" / "judgements.md"
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}


@dataclass(frozen=True)
class Project:
    name: str
    source: str  # "github:owner/name" or "pypi:name==version"
    pin: str  # commit sha for git, sha256 of the sdist for pypi
    era: str


PROJECTS: tuple[Project, ...] = (
    Project(
        "tiangolo-fullstack-2023",
        "github:tiangolo/full-stack-fastapi-postgresql",
        "fa4ea018c3a2a008e2797535a2f99abbfca1354c",
        "2023-11, last Pydantic v1 + python-jose + sync SQLAlchemy cookiecutter (FastAPI 0.54)",
    ),
    Project(
        "realworld-nsidnev",
        "github:nsidnev/fastapi-realworld-example-app",
        "029eb7781c60d5f563ee8990a0cbfb79b244538c",
        "2022, Pydantic v1, raw asyncpg + aiosql, PyJWT, FastAPI 0.79",
    ),
    Project(
        "tdd-docker",
        "github:testdrivenio/fastapi-tdd-docker",
        "13cff4273ad92ac2556b767d182d688f4fce933e",
        "2025, small course app: Tortoise ORM, pydantic-settings, FastAPI 0.109",
    ),
    Project(
        "fastapi-boilerplate",
        "github:igorbenav/FastAPI-boilerplate",
        "61d84fa0d5b550ca35561114d0173c764da8a1e1",
        "2025, modern async SQLAlchemy 2 + Pydantic v2, python-jose, ARQ worker",
    ),
    Project(
        "fullstack-template",
        "github:fastapi/full-stack-fastapi-template",
        "68adb40d37425f6f8668ec7e5a054500d045e43e",
        "2026, SQLModel, Annotated deps, PyJWT, requires Python >= 3.14",
    ),
    Project(
        "dispatch",
        "github:Netflix/dispatch",
        "dd2837e82a0bf5565b1b4b4b91ea30b7262d4061",
        "2025, large (700 .py): sync SQLAlchemy, python-jose, Pydantic v2 port, plugins",
    ),
    Project(
        "polar",
        "github:polarsource/polar",
        "c6c3645e639ee8eeaa05aa0835cf8e39e330382f",
        "2026, monorepo (server + SDK generator), Python >= 3.13/3.14, PEP 695 syntax",
    ),
    Project(
        "prefect",
        "github:PrefectHQ/prefect",
        "ce79dd3d6cfa2b7337265498210dbc4d25bcdc98",
        "2026, large (1,900 .py, 24 MB): FastAPI server + client + 30 integrations (issue 15)",
    ),
    Project(
        "mealie",
        "github:mealie-recipes/mealie",
        "b5643a9399465d8b4ea339e7a6639df2d697741b",
        "2024-10, recipe manager (550 .py): sync SQLAlchemy 2, Pydantic v2, class-based routers",
    ),
    Project(
        "lnbits",
        "github:lnbits/lnbits",
        "7d98c6b0808efab3edafc21310ec34d1c38c23df",
        "2026, Lightning wallet server: async throughout, its own SQL layer, extensions, CLI",
    ),
    Project(
        "teamhide-boilerplate",
        "github:teamhide/fastapi-boilerplate",
        "df4e6d4f817ec187eeaf2d1c5a877b27c06bb77b",
        "2025, layered (domain/application/adapter) async SQLAlchemy 2, dependency-injector",
    ),
    Project(
        "chainlit",
        "github:Chainlit/chainlit",
        "488b74579ace74ad917556a1560e9db68e011219",
        "2026, chat-app framework (library) shipping a FastAPI + Socket.IO server, data layers",
    ),
    Project(
        "fastapi-react",
        "github:Buuntu/fastapi-react",
        "af17f2d422d0ebc5f173e83f2c6931045ab055b0",
        "2022, cookiecutter: sync SQLAlchemy 1.3, Pydantic v1, PyJWT, React admin front end",
    ),
)


# A standalone script, not part of any app: SET102 (settings in one module) does not
# apply; the "where code runs" work of the trust issue will tell scripts apart.
def cache_dir() -> Path:
    env = os.environ.get("FASTAUDIT_CALIBRATION_DIR")  # fastaudit: ignore[SET102]
    return Path(env) if env else Path.home() / ".cache" / "fastaudit-calibration"


def mirror_dir() -> Path:
    mirror = os.environ.get("FASTAUDIT_MIRROR_DIR")  # fastaudit: ignore[SET102]
    return Path(mirror or "/work/.mirror")


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(1)


# ---------------------------------------------------------------------------------- fetch


def fetch_git(project: Project, dest: Path) -> None:
    repo = project.source.removeprefix("github:")
    git_dir = mirror_dir() / repo.replace("/", "+") / "repo"
    if not git_dir.is_dir():
        fail(
            f"{project.name}: no mirror of {repo} at {git_dir}; bring it in with the library's "
            f"fetch (fetch github:{repo}) or set FASTAUDIT_MIRROR_DIR"
        )
    check = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "-e", f"{project.pin}^{{commit}}"],
        capture_output=True,
    )
    if check.returncode != 0:
        fail(f"{project.name}: commit {project.pin} is not in the mirror {git_dir}")
    # Snapshots may lack big blobs (assets of 4 MiB and more): leave those paths out.
    missing = missing_blobs(git_dir, project.pin)
    if missing:
        print(f"{project.name}: {len(missing)} blob(s) absent from the mirror, left out")
    archive = subprocess.run(
        ["git", "--git-dir", str(git_dir), "archive", "--format=tar", project.pin, "--", "."]
        + [f":(exclude,literal){path}" for path in missing],
        capture_output=True,
        check=True,
    )
    with tempfile.TemporaryFile() as tmp:
        tmp.write(archive.stdout)
        tmp.seek(0)
        with tarfile.open(fileobj=tmp) as tar:
            tar.extractall(dest, filter="data")


def missing_blobs(git_dir: Path, commit: str) -> list[str]:
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", commit],
        capture_output=True,
        check=True,
    ).stdout.decode()
    entries = [e.split("\t", 1) for e in listing.split("\0") if e]
    blobs = [(meta.split()[2], path) for meta, path in entries if meta.split()[1] == "blob"]
    check = subprocess.run(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch-check"],
        input="".join(f"{sha}\n" for sha, _ in blobs),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return [path for (_, path), line in zip(blobs, check, strict=True) if line.endswith("missing")]


def fetch_pypi(project: Project, dest: Path) -> None:
    spec = project.source.removeprefix("pypi:")
    downloads = cache_dir() / "_sdists"
    downloads.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:"),
            *("--dest", str(downloads), spec),
        ],
        check=True,
    )
    name, _, version = spec.partition("==")
    stem = re.sub(r"[-_.]+", "[-_.]", name)
    candidates = [
        p
        for p in downloads.iterdir()
        if re.fullmatch(rf"(?i){stem}-{re.escape(version)}\.(tar\.gz|zip)", p.name)
    ]
    if len(candidates) != 1:
        fail(f"{project.name}: expected one sdist for {spec} in {downloads}, got {candidates}")
    sdist = candidates[0]
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != project.pin:
        fail(f"{project.name}: sha256 of {sdist.name} is {digest}, pinned {project.pin}")
    shutil.unpack_archive(sdist, dest)


def cmd_fetch(args: argparse.Namespace) -> None:
    for project in selected(args.only):
        dest = cache_dir() / project.name
        stamp = dest / ".calibration-pin"
        if stamp.is_file() and stamp.read_text().strip() == f"{project.source} {project.pin}":
            print(f"{project.name}: already in {dest}")
            continue
        shutil.rmtree(dest, ignore_errors=True)
        part = dest.with_name(dest.name + ".part")
        shutil.rmtree(part, ignore_errors=True)
        part.mkdir(parents=True)
        if project.source.startswith("github:"):
            fetch_git(project, part)
        elif project.source.startswith("pypi:"):
            fetch_pypi(project, part)
        else:
            fail(f"{project.name}: unknown source {project.source}")
        (part / ".calibration-pin").write_text(f"{project.source} {project.pin}\n")
        part.rename(dest)
        print(f"{project.name}: {project.source} @ {project.pin[:12]} -> {dest}")


# ------------------------------------------------------------------------------------ run


def python_files(root: Path) -> list[Path]:
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        files.extend(Path(dirpath, f) for f in sorted(filenames) if f.endswith(".py"))
    return files


def ast_floor(files: list[Path]) -> tuple[float, int, int]:
    """Seconds to read and ``ast.parse`` every file once; lines; files ast rejects."""
    lines = rejected = 0
    start = time.perf_counter()
    for path in files:
        source = path.read_bytes()
        lines += source.count(b"\n")
        try:
            ast.parse(source, str(path))
        except (SyntaxError, ValueError):
            rejected += 1
    return time.perf_counter() - start, lines, rejected


def fastaudit_command(args: argparse.Namespace) -> list[str]:
    if args.fastaudit:
        return [args.fastaudit]
    beside = Path(sys.executable).with_name("fastaudit")
    if beside.is_file():
        return [str(beside)]
    found = shutil.which("fastaudit")
    if not found:
        fail("fastaudit not found: pass --fastaudit or run with the venv's python")
    return [found]


def cmd_run(args: argparse.Namespace) -> None:
    results = cache_dir() / "results"
    results.mkdir(parents=True, exist_ok=True)
    summary: dict[str, dict[str, object]] = {}
    counts: dict[str, Counter[str]] = {}
    for project in selected(args.only):
        root = cache_dir() / project.name
        if not root.is_dir():
            fail(f"{project.name}: not in the cache ({root}); run `fetch` first")
        out = results / f"{project.name}.json"
        command = [
            *fastaudit_command(args),
            "check",
            "--format",
            "json",
            "--no-cache",
            "--exit-zero",
            "--extend-select",
            "ALL",  # default-off rules too (DOC103, STR104); marked in the tables
            "-o",
            str(out),
            str(root),
        ]
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        wall = time.perf_counter() - start
        if done.returncode != 0:
            fail(f"{project.name}: fastaudit exited {done.returncode}\n{done.stderr}")
        report = json.loads(out.read_text())
        files = python_files(root)
        floor, lines, rejected = ast_floor(files)
        counts[project.name] = Counter(f["rule"] for f in report["findings"])
        summary[project.name] = {
            "source": project.source,
            "pin": project.pin,
            "py_files": len(files),
            "lines": lines,
            "ast_rejected": rejected,
            "fastaudit_files": report["summary"]["files"],
            "findings": len(report["findings"]),
            "fastaudit_seconds": round(wall, 3),
            "ast_parse_seconds": round(floor, 3),
            "counts": dict(counts[project.name]),
            "warnings": report.get("warnings", []),
        }
        print(
            f"{project.name}: {len(report['findings'])} findings, {len(files)} .py files, "
            f"{lines} lines, fastaudit {wall:.2f} s, ast.parse {floor:.2f} s",
            file=sys.stderr,
        )
    (results / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True))
    print_counts(counts)
    print()
    print_speed(summary)


def print_counts(counts: dict[str, Counter[str]]) -> None:
    names = list(counts)
    rules = sorted({rule for c in counts.values() for rule in c})
    off = default_off_rules()
    print("| rule | " + " | ".join(names) + " | total |")
    print("|---|" + "---:|" * (len(names) + 1))
    for rule in sorted(rules, key=lambda r: (-sum(c[r] for c in counts.values()), r)):
        cells = [str(counts[n][rule] or "") for n in names]
        mark = " (off by default)" if rule in off else ""
        total = sum(counts[n][rule] for n in names)
        print(f"| {rule}{mark} | " + " | ".join(cells) + f" | {total} |")
    totals = [str(sum(counts[n].values())) for n in names]
    grand = sum(sum(c.values()) for c in counts.values())
    print("| **all** | " + " | ".join(totals) + f" | {grand} |")


def print_speed(summary: dict[str, dict[str, object]]) -> None:
    print("| project | .py files | lines | fastaudit cold (s) | ast.parse loop (s) | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, row in summary.items():
        wall = float(str(row["fastaudit_seconds"]))
        floor = float(str(row["ast_parse_seconds"]))
        ratio = f"{wall / floor:.1f}x" if floor else "-"
        print(
            f"| {name} | {row['py_files']} | {row['lines']} | {wall:.2f} | {floor:.2f} | {ratio} |"
        )


def default_off_rules() -> set[str]:
    """Rules that run only when selected, read from ``fastaudit rules`` when available."""
    try:
        from fastaudit.rules import all_rules
    except ImportError:
        return set()
    return {rule_id for rule_id, rule in all_rules().items() if not rule.default_enabled}


# --------------------------------------------------------------------------------- sample


def load_findings() -> list[dict[str, object]]:
    findings: list[dict[str, object]] = []
    for project in PROJECTS:
        path = cache_dir() / "results" / f"{project.name}.json"
        if not path.is_file():
            continue
        report = json.loads(path.read_text())
        root = Path(report["root"])
        for finding in report["findings"]:
            finding["project"] = project.name
            finding["root"] = str(root)
            findings.append(finding)
    if not findings:
        fail("no reports in the cache; run `fetch` and `run` first")
    return findings


def draw_sample(per_rule: int, seed: int) -> dict[str, list[dict[str, object]]]:
    by_rule: dict[str, list[dict[str, object]]] = defaultdict(list)
    for finding in load_findings():
        by_rule[str(finding["rule"])].append(finding)
    sample: dict[str, list[dict[str, object]]] = {}
    for rule, items in sorted(by_rule.items()):
        items.sort(key=lambda f: (f["project"], f["path"], f["line"], f["column"], f["message"]))
        rng = random.Random(f"{seed}:{rule}")
        chosen = rng.sample(items, min(per_rule, len(items)))
        chosen.sort(key=lambda f: (f["project"], f["path"], f["line"]))
        sample[rule] = chosen
    return sample


def context(finding: dict[str, object], radius: int = 4) -> str:
    path = Path(str(finding["root"])) / str(finding["path"])
    line = int(str(finding["line"] or 1))
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(file not readable)"
    lo, hi = max(1, line - radius), min(len(text), line + radius)
    mark = {True: ">", False: " "}
    return "\n".join(f"{mark[n == line]}{n:5} {text[n - 1]}" for n in range(lo, hi + 1))


def cmd_sample(args: argparse.Namespace) -> None:
    sample = draw_sample(args.per_rule, args.seed)
    out = Path(args.output) if args.output else cache_dir() / "worksheet.md"
    parts = [
        f"# Calibration worksheet (seed {args.seed}, up to {args.per_rule} per rule)\n",
        "Third-party code quoted below: keep this file out of the repository.\n",
    ]
    for rule, items in sample.items():
        parts.append(f"\n## {rule} ({len(items)} sampled)\n")
        for finding in items:
            parts.append(
                f"\n### {rule} | {finding['project']} | {finding['path']}:{finding['line']}\n\n"
                f"{finding['message']}\n\n```python\n{context(finding)}\n```\n"
            )
    out.write_text("".join(parts))
    print(f"{sum(len(v) for v in sample.values())} findings over {len(sample)} rules -> {out}")


# ------------------------------------------------------------------------------ precision

ROW = re.compile(r"^\|\s*([A-Z]{3}\d{3})\s*\|([^|]*)\|([^|]*)\|\s*(true|false|debatable)\s*\|")
# The other shape later rounds use: a ``## RULE`` heading, then ``| place | verdict | why |``.
HEADING = re.compile(r"^#{2,3}\s+([A-Z]{3}\d{3})\b")
PLACE_ROW = re.compile(r"^\|([^|]*)\|\s*(true|false|debatable)\s*\|")
ROUND = re.compile(r"round(\d+)")


def judgement_files() -> list[Path]:
    """Every judgement file, oldest round first: ``judgements.md`` (round 1), the
    whole-set rounds (``judgements-roundN.md``), then the per-rule rounds written since
    (``judgements-<rules>-roundN.md``), so a rule's newest verdicts win."""

    def age(path: Path) -> tuple[int, int, str]:
        found = ROUND.search(path.stem)
        number = int(found.group(1)) if found else 1
        whole_set = path.stem == "judgements" or re.fullmatch(r"judgements-round\d+", path.stem)
        return (0 if whole_set else 1, number, path.name)

    return sorted(JUDGEMENTS.parent.glob("judgements*.md"), key=age)


def verdicts_of(text: str) -> dict[tuple[str, str], Counter[str]]:
    """Each rule's verdicts in one judgement file, in either table shape, per project
    judged (a round may judge one project only: prefect's first). Rows on findings of
    the set also count ``"on set"`` (see ``cmd_precision``)."""
    found: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    heading: str | None = None
    names = {project.name for project in PROJECTS}
    for line in text.splitlines():
        if (title := HEADING.match(line)) is not None:
            heading = title.group(1)
            continue
        if line.startswith("## "):
            heading = None
        rule = where = verdict = None
        if (match := ROW.match(line)) is not None:
            # Rounds judged before a rule moved family (DOC105 -> ASY106) count for it.
            rule, where, verdict = canonical(match.group(1)), match.group(2), match.group(4)
        elif heading is not None and (place := PLACE_ROW.match(line)) is not None:
            rule, where, verdict = canonical(heading), place.group(1), place.group(2)
        if rule is not None and verdict is not None and where is not None:
            project = where.strip().split(" ", 1)[0].strip("`")
            found[(rule, project)][verdict] += 1
            found[(rule, project)]["rows"] += 1
            found[(rule, project)]["on set"] += project in names
    return found


def cmd_precision(args: argparse.Namespace) -> None:
    summary_path = cache_dir() / "results" / "summary.json"
    totals: Counter[str] = Counter()
    counts_by_project: dict[str, Counter[str]] = {}
    if summary_path.is_file():
        for project_name, row in json.loads(summary_path.read_text()).items():
            totals.update(row["counts"])
            counts_by_project[project_name] = Counter(row["counts"])
    # Several rounds: a rule's verdicts on a project come from the last file that judged
    # it there (a rule changed since an earlier round is judged again on a fresh sample;
    # a round of one project leaves the others' verdicts as they were).
    by_project: dict[tuple[str, str], Counter[str]] = {}
    names = args.judgements or [str(path) for path in judgement_files()]
    for name in names:
        by_project.update(verdicts_of(Path(name).read_text()))
    verdicts: dict[str, Counter[str]] = defaultdict(Counter)
    for (rule, project), counts in by_project.items():
        if project in counts_by_project and counts_by_project[project][rule] == 0:
            # Verdicts on a project where the rule reports nothing now (its false
            # patterns there were fixed since): nothing left there to be right or wrong.
            verdicts[rule]["stale rows"] += counts["rows"]
            continue
        verdicts[rule].update(counts)
    off = default_off_rules()
    print("| rule | findings | sampled | true | false | debatable | precision |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    grand: Counter[str] = Counter()
    default_only: Counter[str] = Counter()
    stale: list[str] = []
    for rule in sorted(verdicts, key=lambda r: (-totals[r], r)):
        v = verdicts[rule]
        judged = Counter({k: v[k] for k in ("true", "false", "debatable")})
        mark = " (off by default)" if rule in off else ""
        if totals and (v["rows"] == 0 or (totals[rule] == 0 and v["on set"] == v["rows"])):
            # Every verdict was on a finding of the set that the rule no longer reports
            # (its false patterns were fixed since): nothing left to be right or wrong.
            stale.append(rule)
            mark += " (stale: reports nothing on the set now)"
        else:
            grand.update(judged)
            if rule not in off:
                default_only.update(judged)
        print(
            f"| {rule}{mark} | {totals[rule]} | {sum(judged.values())} | {v['true']} | "
            f"{v['false']} | {v['debatable']} | {precision(v)} |"
        )
    print(
        f"| **all sampled** | {sum(totals[r] for r in verdicts)} | {sum(grand.values())} | "
        f"{grand['true']} | {grand['false']} | {grand['debatable']} | **{precision(grand)}** |"
    )
    print(
        f"| **default rules only** | {sum(totals[r] for r in verdicts if r not in off)} | "
        f"{sum(default_only.values())} | {default_only['true']} | {default_only['false']} | "
        f"{default_only['debatable']} | **{precision(default_only)}** |"
    )
    for label, rules in (
        ("all rules", [r for r in verdicts if r not in stale]),
        ("default rules", [r for r in verdicts if r not in off and r not in stale]),
    ):
        print(f"\nFinding-weighted precision, {label}: {weighted(rules, verdicts, totals)}")
    unjudged = sorted(set(totals) - set(verdicts))
    if unjudged:
        print(f"\nRules with findings but no judgement: {', '.join(unjudged)}")


def weighted(rules: list[str], verdicts: dict[str, Counter[str]], totals: Counter[str]) -> str:
    """Each rule's sample precision weighted by its number of findings: an estimate of the
    share of all reported findings that are true."""
    num = den = 0.0
    for rule in rules:
        v = verdicts[rule]
        decided = v["true"] + v["false"]
        if decided:
            num += totals[rule] * v["true"] / decided
            den += totals[rule]
    return f"{100 * num / den:.1f}%" if den else "-"


def precision(v: Counter[str]) -> str:
    decided = v["true"] + v["false"]
    return f"{100 * v['true'] / decided:.0f}%" if decided else "-"


# ------------------------------------------------------------------------------------ cli


def selected(only: list[str] | None) -> list[Project]:
    if not only:
        return list(PROJECTS)
    known = {p.name: p for p in PROJECTS}
    unknown = [name for name in only if name not in known]
    if unknown:
        fail(f"unknown project(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[name] for name in only]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_fetch = sub.add_parser("fetch", help="materialise the pinned projects into the cache")
    p_fetch.add_argument("--only", nargs="+", metavar="NAME")
    p_run = sub.add_parser("run", help="audit each project; counts per rule and timings")
    p_run.add_argument("--only", nargs="+", metavar="NAME")
    p_run.add_argument("--fastaudit", help="fastaudit executable (default: beside python)")
    p_sample = sub.add_parser("sample", help="reproducible sample per rule -> worksheet")
    p_sample.add_argument("--per-rule", type=int, default=PER_RULE)
    p_sample.add_argument("--seed", type=int, default=SEED)
    p_sample.add_argument("-o", "--output", help="worksheet path (default: in the cache)")
    p_prec = sub.add_parser("precision", help="precision table from the judgements file")
    p_prec.add_argument(
        "--judgements",
        nargs="+",
        default=None,
        help="judgement files, oldest first: a rule's verdicts come from the last that has "
        "it (default: every benchmarks/calibration/judgements*.md, oldest round first)",
    )
    sub.add_parser("list", help="print the calibration set")
    args = parser.parse_args(argv)
    if args.command == "fetch":
        cmd_fetch(args)
    elif args.command == "run":
        cmd_run(args)
    elif args.command == "sample":
        cmd_sample(args)
    elif args.command == "precision":
        cmd_precision(args)
    else:
        print("| name | source | pin | era / notes |\n|---|---|---|---|")
        for p in PROJECTS:
            print(f"| {p.name} | {p.source} | `{p.pin[:12]}` | {p.era} |")


if __name__ == "__main__":
    main()
