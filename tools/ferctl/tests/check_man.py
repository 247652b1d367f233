#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check the ferctl(8) man page: it renders without warnings and documents
everything ferctl's parser accepts.

    check_man.py RST MAN

RST is Documentation/man/ferctl.8.rst, MAN the page rst2man built from it
(make man). Checks, each printed as "ok - ..." or "not ok - ...":
- MAN renders with `man -l` (groff -ww: every warning) and nothing is said
  on stderr;
- every object of the parser (grammar.py) is in the SYNOPSIS and has a
  section under OBJECTS AND COMMANDS (its other names in bold in it), and
  every object the SYNOPSIS names is one the parser has;
- in each object's section, every command, keyword and value name the
  parser takes is in bold (**word**); `help` in the help section;
- every option the parser takes is in bold under OPTIONS (-NAME or --NAME);
- EXIT STATUS names 0 and error.rs's exit codes; EXAMPLES has examples.
Exit status 1 if any check failed.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import grammar  # noqa: E402

failed = 0


def check(name, problems):
    global failed
    if problems:
        failed += 1
        print(f"not ok - {name}")
        for p in problems:
            print(f"    {p}")
    else:
        print(f"ok - {name}")


def sections(text, underline):
    """Title -> body for the sections whose titles are underlined with
    `underline` characters."""
    parts = re.split(r"^(\S[^\n]*)\n%s+\n" % re.escape(underline), text, flags=re.M)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def bold(word, text):
    """`word` is a word of a bold span (**ferctl port add**)."""
    return any(word in span.split() for span in re.findall(r"\*\*(.+?)\*\*", text))


def render(man):
    env = dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat")
    try:
        r = subprocess.run(["man", "--warnings", "-l", man], env=env,
                           capture_output=True, text=True)
    except FileNotFoundError:
        r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", man], env=env,
                           capture_output=True, text=True)
    problems = []
    if r.returncode != 0:
        problems.append(f"exit status {r.returncode}")
    problems += [line for line in r.stderr.splitlines() if line.strip()]
    if "FERCTL(8)" not in r.stdout:
        problems.append("no FERCTL(8) header in the rendered page")
    return problems


def main(rst_path, man_path):
    rst = open(rst_path).read()
    g = grammar.grammar()
    top = sections(rst, "=")
    check(f"{man_path} renders with man -l without warnings", render(man_path))

    for needed in ["SYNOPSIS", "DESCRIPTION", "OPTIONS", "OBJECTS AND COMMANDS",
                   "EXIT STATUS", "EXAMPLES", "SEE ALSO"]:
        if needed not in top:
            check(f"section {needed}", [f"missing in {rst_path}"])
    objs = sections(top.get("OBJECTS AND COMMANDS", ""), "-")

    # Objects by topic: a topic's names share one section.
    topics = {}
    for name, o in g["objects"].items():
        topics.setdefault(o["topic"], []).append(name)
    synopsis = top.get("SYNOPSIS", "")
    m = re.search(r"\*OBJECT\* := \{(.*)\}", synopsis)
    synopsis_objects = re.findall(r"\*\*(\w+)\*\*", m.group(1)) if m else []
    problems = []
    if not m:
        problems.append("SYNOPSIS has no *OBJECT* := { ... } line")
    for obj in synopsis_objects:
        if obj not in g["objects"]:
            problems.append(f"SYNOPSIS names object {obj}, which the parser does not have")
    for topic, names in topics.items():
        if not any(n in synopsis_objects for n in names):
            problems.append(f"object {names[0]} is not in the SYNOPSIS")
    check("SYNOPSIS names every object of the parser, and only those", problems)

    for topic, names in topics.items():
        title = next((n for n in names if n in objs), None)
        problems = []
        if title is None:
            check(f"object {names[0]} has a section", [f"none of {names} is a section title"])
            continue
        body = objs[title]
        o = g["objects"][title]
        for other in names:
            if other != title and not bold(other, body):
                problems.append(f"other name {other} not given")
        for cmd in o["commands"]:
            if cmd != "help" and not bold(cmd, body):
                problems.append(f"command {cmd}")
        for kw in o["keywords"]:
            if not bold(kw, body):
                problems.append(f"keyword {kw}")
        for kind, vals in o["values"].items():
            for v in vals:
                if not bold(v, body):
                    problems.append(f"{kind} value {v}")
        check(f"object {title}: every command, keyword and value is documented", problems)

    problems = []
    if "help" not in objs or not bold("help", objs["help"]):
        problems.append("no help section with **help**")
    check("help is documented", problems)

    options = top.get("OPTIONS", "")
    problems = [f"option -{o}" for o in g["options"]
                if not re.search(r"\*\*--?%s\*\*" % re.escape(o), options)]
    check("every option is documented", problems)

    error_rs = open(os.path.join(grammar.SRC, "error.rs")).read()
    codes = ["0"] + re.findall(r"pub const EXIT_\w+: i32 = (\d+);", error_rs)
    status = top.get("EXIT STATUS", "")
    check("every exit status is documented",
          [f"exit status {c}" for c in codes if not bold(c, status)] +
          ([] if len(codes) >= 3 else ["error.rs exit codes not found"]))

    examples = re.findall(r"^ +ferctl ", top.get("EXAMPLES", ""), re.M)
    check("EXAMPLES has examples", [] if len(examples) >= 5 else ["fewer than 5 ferctl lines"])
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
