#!/usr/bin/env python3
"""make bindings-check: every language package covers the whole C surface.

Every function `mpgs_*` declared in include/mpgs.h must appear by name (as a whole identifier)
in the source files of each binding under bindings/<language>/ (node, go, java, csharp, php,
ruby), except the names listed in bindings/<language>/surface-exclude.txt, one a line:

    mpgs_client_create_session_with   # reason it is left out

A name excluded must still be declared in the header (a stale line fails), and needs a reason.
Source files are the language's own (.js/.mjs/.cjs/.ts, .go, .java, .cs, .php, .rb), tests,
benchmarks, examples and build products (node_modules/, vendor/, lib/<platform>/, prebuilds/)
left out, and so are generated files (a "do not edit" line in their first five): a name a test
uses, or only a generated declaration holds, is missing. A language whose folder
does not exist yet is skipped, saying so. No build is needed: it reads text only.

    scripts/check-bindings.py [ROOT]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Dict, List, Set, Tuple

LANGUAGES: Dict[str, Tuple[str, ...]] = {
    "node": (".js", ".mjs", ".cjs", ".ts"),
    "go": (".go",),
    "java": (".java",),
    "csharp": (".cs",),
    "php": (".php",),
    "ruby": (".rb",),
}
SKIP_DIRS = {"node_modules", "vendor", "prebuilds", "test", "tests", "bench", "examples", "target", "build", "obj", "bin", ".git"}
IDENT = re.compile(r"\bmpgs_[A-Za-z0-9_]+\b")
PROTOTYPE = re.compile(r"\b(mpgs_[a-z0-9_]+)\s*\(")


def header_functions(header: Path) -> List[str]:
    """The functions the header declares, in order (comments and preprocessor lines ignored)."""
    text = re.sub(r"/\*.*?\*/", " ", header.read_text(), flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    names: List[str] = []
    for name in PROTOTYPE.findall(text):
        if name not in names:
            names.append(name)
    return names


def is_test(path: Path) -> bool:
    stem = path.name.split(".")[0]
    return (
        path.name.endswith("_test.go")
        or stem.endswith(("Test", "Tests", "_test", "_spec"))
        or stem.startswith(("test_", "Test"))
        or stem in {"test", "bench", "Bench"}
    )


def is_generated(path: Path) -> bool:
    with open(path, errors="replace") as f:
        head = [f.readline() for _ in range(5)]
    return any("do not edit" in line.lower() for line in head)


def source_files(folder: Path, extensions: Tuple[str, ...]) -> List[Path]:
    files = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if any(part in SKIP_DIRS for part in rel[:-1]) or (len(rel) > 1 and rel[0] == "lib" and "-" in rel[1]):
            continue
        if path.is_file() and path.name.endswith(extensions) and not path.name.endswith(".d.ts") and not is_test(path):
            if not is_generated(path):
                files.append(path)
    return files


def excluded(folder: Path, declared: Set[str]) -> Tuple[Set[str], List[str]]:
    """The names surface-exclude.txt leaves out, and what is wrong with the file."""
    names: Set[str] = set()
    problems: List[str] = []
    f = folder / "surface-exclude.txt"
    if not f.exists():
        return names, problems
    for number, line in enumerate(f.read_text().splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, reason = line.partition("#")
        name = name.strip()
        if not reason.strip():
            problems.append(f"{f.name}:{number}: {name} has no reason (`name  # reason`)")
        if name not in declared:
            problems.append(f"{f.name}:{number}: {name} is not declared in include/mpgs.h (stale?)")
        names.add(name)
    return names, problems


def check(root: Path) -> Tuple[bool, List[str]]:
    declared = header_functions(root / "include" / "mpgs.h")
    if not declared:
        return False, ["include/mpgs.h declares no mpgs_* function: is the header there?"]
    ok = True
    out = [f"include/mpgs.h declares {len(declared)} functions"]
    for lang, extensions in LANGUAGES.items():
        folder = root / "bindings" / lang
        if not folder.is_dir():
            out.append(f"{lang}: skipped (no bindings/{lang}/ yet)")
            continue
        files = source_files(folder, extensions)
        used: Set[str] = set()
        for path in files:
            used.update(IDENT.findall(path.read_text(errors="replace")))
        left_out, problems = excluded(folder, set(declared))
        missing = [n for n in declared if n not in used and n not in left_out]
        if not files:
            problems.append(f"no {'/'.join(extensions)} source file")
        if missing or problems:
            ok = False
            lines = [f"bindings/{lang}: FAILED"]
            if missing:
                lines.append(f"  lacks {len(missing)} of the header's functions: {', '.join(missing)}")
                lines.append(f"  (wrap them, or list each in bindings/{lang}/surface-exclude.txt as `name  # reason`)")
            lines += [f"  {p}" for p in problems]
            out += lines
        else:
            out.append(f"{lang}: ok, {len(declared) - len(left_out)} functions in {len(files)} files, {len(left_out)} excluded with a reason")
    return ok, out


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    ok, lines = check(root)
    print("\n".join(f"bindings-check: {line}" for line in lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
