#!/usr/bin/env python3
"""Runs every `$ ricci …` example of README.md with the built ricci and checks that it prints
what the README shows (the README shows real output). Usage: readme_examples.py RICCI README"""
import shlex
import subprocess
import sys


def examples(readme):
    """(command line, expected output lines, elided) for each `$ ricci` line inside a code
    block; an example that ends in a line `…` shows only the beginning of the output."""
    inside = False
    current = None
    for line in open(readme, encoding="utf-8").read().splitlines():
        if line.startswith("```"):
            if current:
                yield current + (False,)
            current = None
            inside = not inside
            continue
        if not inside:
            continue
        if line.startswith("$ ricci "):
            if current:
                yield current + (False,)
            current = (line[2:], [])
        elif current is not None:
            if line == "…":
                # An elided part: the rest of this example is not compared.
                yield current + (True,)
                current = None
            else:
                current[1].append(line)
    if current:
        yield current + (False,)


def main():
    ricci, readme = sys.argv[1], sys.argv[2]
    failures = 0
    count = 0
    for command, expected, elided in examples(readme):
        count += 1
        arguments = shlex.split(command)[1:]
        result = subprocess.run([ricci] + arguments, capture_output=True, text=True)
        shown = (result.stdout + result.stderr).rstrip("\n").splitlines()
        if shown[:len(expected)] != expected or (len(shown) > len(expected) and not elided):
            failures += 1
            print(f"README example differs: {command}\n  README: {expected}\n  ricci:  {shown}")
    print(f"{count - failures} of {count} README examples print what the README shows")
    sys.exit(1 if failures else 0)


main()
