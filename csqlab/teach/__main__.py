"""``python -m csqlab.teach {regen,lint,make-assignment} ...``"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m csqlab.teach", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p_regen = sub.add_parser(
        "regen", help="execute notebooks from a fresh kernel exactly as CI sees them, then verify"
    )
    p_regen.add_argument("paths", nargs="+", type=Path)
    p_regen.add_argument("--no-verify", action="store_true", help="skip the nbval check")
    p_regen.add_argument("--timeout", type=int, default=600, help="seconds per cell")

    p_lint = sub.add_parser("lint", help="check notebook hygiene (default: lessons/)")
    p_lint.add_argument("paths", nargs="*", type=Path)
    p_lint.add_argument("--sources", action="store_true",
                        help="also check csqlab/, tests/, benchmarks/, README.md, CONTRIBUTING.md "
                             "and lessons/notes/ (from the current folder) for internal citations")

    p_assign = sub.add_parser(
        "make-assignment", help="write student and instructor versions of lessons for grading"
    )
    p_assign.add_argument("paths", nargs="+", type=Path)
    p_assign.add_argument("-o", "--out", type=Path, required=True, help="output folder")
    p_assign.add_argument("--points", type=int, default=1, help="points per exercise")
    p_assign.add_argument("--otter", action="store_true", help="add otter-grader markers too")

    args = parser.parse_args(argv)
    if args.command == "make-assignment":
        from .assignment import make_assignment

        for path in args.paths:
            student, instructor = make_assignment(path, args.out, points=args.points,
                                                  otter=args.otter)
            print(f"{path} -> {student} (students), {instructor} (instructor)")
        return 0
    if args.command == "regen":
        from .regen import regen

        return regen(args.paths, verify_after=not args.no_verify, timeout=args.timeout)
    from .lint import lint_paths, lint_sources

    paths = args.paths or [Path("lessons")]
    problems = lint_paths(paths)
    if args.sources:
        problems += lint_sources(Path.cwd())
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
