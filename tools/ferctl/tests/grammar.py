#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ferctl's command line grammar, read from its parser's source.

The man page check (check_man.py) and the bash completion test
(completion_test.sh) use this so that neither can fall behind the parser:
a new object, command, keyword or option written in cli.rs the way the
others are written (an OBJECTS entry, `matches(v, "verb")`, a `"keyword" =>`
arm, `matches(opt, "option")`) shows up here and then has to be documented
and completed.

    grammar.py [CLI_RS]     print the grammar as JSON

What it reads, from tools/ferctl/src/cli.rs (tests excluded):
- objects: the OBJECTS table, and the parse function parse_command calls for
  each one's Topic;
- per object, the functions reachable from that parse function;
  commands: `matches(v, "...")` in them (and `is_list_verb`'s words),
  plus `help`; keywords: string literals that are match-arm patterns
  (`"via" =>`, `"dev" | "oif" =>`, `"mtu" if del =>`) or compared with an
  argument (`arg == "dev"`); values: the model.rs name tables they pass to
  parse_named (via parse_table for TABLE_NAMES), and the route types for
  route_type_keyword;
- options: `matches(opt, "...")` and `opt == "..."` in parse().
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")

# Options that are deliberately undocumented (check_spec.py's interface).
HIDDEN_OPTIONS = {"dump-constants"}


def functions(text):
    """Map each top-level fn name to its text (up to the next item)."""
    starts = [m for m in re.finditer(r"^(?:pub )?fn (\w+)", text, re.M)]
    items = [m.start() for m in re.finditer(
        r"^(?:pub )?(?:fn|const|struct|enum|impl|static|#\[)", text, re.M)]
    out = {}
    for m in starts:
        end = min([i for i in items if i > m.start()], default=len(text))
        out[m.group(1)] = text[m.start():end]
    return out


def name_table(model, name, with_values=False):
    """The names of a `pub const NAME: Names<..> = &[("a", ..), ...];`
    (with their values' source text if asked)."""
    m = re.search(r"pub const %s: Names<\w+> = &\[(.*?)\];" % name, model, re.S)
    if not m:
        raise SystemExit(f"grammar.py: {name} not found in model.rs")
    pairs = re.findall(r'\("([^"]+)",\s*([^)]+)\)', m.group(1))
    return pairs if with_values else [n for n, _ in pairs]


def route_types(proto):
    m = re.search(r"pub mod route_type \{.*?pub const ALL[^=]*= &\[(.*?)\];", proto, re.S)
    if not m:
        raise SystemExit("grammar.py: route_type::ALL not found in proto.rs")
    return re.findall(r'\("([^"]+)",', m.group(1))


def grammar(cli_rs=os.path.join(SRC, "cli.rs")):
    src = os.path.dirname(cli_rs)
    text = open(cli_rs).read()
    text = text.split("#[cfg(test)]\nmod tests")[0]
    model = open(os.path.join(src, "model.rs")).read()
    proto = open(os.path.join(src, "proto.rs")).read()
    fns = functions(text)

    objects_src = re.search(r"pub const OBJECTS[^=]*= &\[(.*?)\];", text, re.S).group(1)
    objects = re.findall(r'\("([a-z]+)", Topic::(\w+)\)', objects_src)
    dispatch = dict(re.findall(r"Topic::(\w+) => (parse_\w+)\(", fns["parse_command"]))

    list_verbs = re.findall(r'matches\(verb, "([a-z]+)"\)', fns["is_list_verb"])

    def closure(name):
        seen, todo = set(), [name]
        while todo:
            f = todo.pop()
            if f in seen or f not in fns:
                continue
            seen.add(f)
            todo += re.findall(r"\b(parse_\w+|is_list_verb|route_type_keyword)\(", fns[f])
        return seen

    names = {
        "TABLE_NAMES": "table",
        "SCOPE_NAMES": "scope",
        "PROTOCOL_NAMES": "protocol",
    }
    result = {"objects": {}, "options": [], "hidden_options": sorted(HIDDEN_OPTIONS)}
    for obj, topic in objects:
        if topic == "All":
            continue  # `ferctl help`
        reach = closure(dispatch[topic])
        # parse_table's words are values (below), not keywords.
        body = "".join(fns[f] for f in sorted(reach) if f != "parse_table")
        commands = re.findall(r'matches\(v, "([a-z]+)"\)', body)
        if "is_list_verb" in reach:
            commands += list_verbs
        commands.append("help")
        keywords = re.findall(r'"([a-z][a-z0-9-]*)"(?=\s*(?:\||=>|if\b))', body)
        keywords += re.findall(r'\b(?:arg|v|s|kw) == "([a-z][a-z0-9-]*)"', body)
        values = {}
        for table, kind in names.items():
            if re.search(r"parse_named\(%s\b" % table, body):
                values[kind] = name_table(model, table)
        if "parse_table" in reach:
            # Every table name but the one for table::ALL, which, like
            # "all", only parse_table(.., true) (a list) takes.
            tables = name_table(model, "TABLE_NAMES", with_values=True)
            values["table"] = [n for n, v in tables if v != "table::ALL"]
            if re.search(r"parse_table\([^)]*,\s*true\)", body):
                values["table"] += ["all"] + [n for n, v in tables if v == "table::ALL"]
        if "route_type_keyword" in reach:
            values["type"] = route_types(proto)
        result["objects"][obj] = {
            "topic": topic,
            "commands": sorted(set(commands), key=commands.index),
            "keywords": sorted(set(keywords), key=keywords.index),
            "values": values,
        }
    opts = re.findall(r'(?:matches\(opt, "([A-Za-z-]+)"\)|opt == "([A-Za-z-]+)")', fns["parse"])
    result["options"] = [a or b for a, b in opts if (a or b) not in HIDDEN_OPTIONS]
    return result


if __name__ == "__main__":
    print(json.dumps(grammar(*sys.argv[1:]), indent=1))
