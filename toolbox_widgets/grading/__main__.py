"""``python -m toolbox_widgets.grading grade ASSIGNMENT …``: the same as ``mld grade``."""

import argparse
import sys

from .command import add_grade_command


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="mld")
    add_grade_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
