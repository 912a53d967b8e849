#!/usr/bin/env python3
"""The resolved package versions, transitive ones included, against the committed list ci/dependencies.txt.

  ci/dependencies.py check    fails (exit 1) when what `swift package show-dependencies` resolves differs
  ci/dependencies.py write    rewrites the list from what resolves now (ci/update-dependencies calls it)
"""
import json
import subprocess
import sys
from pathlib import Path

LIST = Path(__file__).resolve().parent / "dependencies.txt"
HEADER = """\
# Every package revo builds with, as resolution gives it: identity, version, URL. Direct dependencies are pinned
# with exact: in Package.swift; ci/test fails when resolution gives anything else; ci/update-dependencies moves them.
"""


def resolved():
    """identity -> (version, url) for the whole graph below the root package."""
    output = subprocess.run(
        ["swift", "package", "show-dependencies", "--format", "json"],
        check=True, capture_output=True, text=True,
    ).stdout
    found = {}

    def walk(node):
        for child in node.get("dependencies", []):
            found[child["identity"]] = (child["version"], child["url"])
            walk(child)

    walk(json.loads(output[output.index("{"):]))
    return found


def committed():
    found = {}
    for number, line in enumerate(LIST.read_text().splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 3:
            sys.exit(f"{LIST}:{number}: expected 'identity version url', got {line!r}")
        found[fields[0]] = (fields[1], fields[2])
    return found


def write():
    lines = [f"{identity} {version} {url}" for identity, (version, url) in sorted(resolved().items())]
    LIST.write_text(HEADER + "\n".join(lines) + "\n")
    print(f"{LIST}: {len(lines)} packages")


def check():
    want, got = committed(), resolved()
    problems = []
    for identity in sorted(set(want) | set(got)):
        if identity not in got:
            problems.append(f"{identity}: listed at {want[identity][0]} but no longer resolved")
        elif identity not in want:
            problems.append(f"{identity}: resolved at {got[identity][0]} but not in the list")
        elif want[identity][0] != got[identity][0]:
            problems.append(f"{identity}: listed at {want[identity][0]}, resolved at {got[identity][0]}")
    if problems:
        print(f"dependency drift against {LIST.name}:", *problems, sep="\n  ", file=sys.stderr)
        print("run ci/update-dependencies to move the list on deliberately", file=sys.stderr)
        sys.exit(1)
    print(f"dependencies: {len(got)} packages as listed in {LIST.name}")


if __name__ == "__main__":
    commands = {"check": check, "write": write}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]]()
