#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`ferctl -batch` progress, seen through a pseudo-terminal.

    batch_progress_test.py FERCTL

Runs FERCTL -batch with its standard error on a pty (as on a terminal) and
on a pipe, over batch files whose lines need no kernel (`route help`; a
`route add` with a bad prefix, which fails to parse), so it runs on any
host. Checks: on the pty, the progress line (redrawn in place with
"\\r\\x1b[K", lines done, the share of the file) and the summary line with
the counts, failures printed on a cleared line; on a pipe, nothing but the
failures. Prints "ok - ..." / "not ok - ..."; exit status 1 if any failed.
"""
import os
import pty
import subprocess
import sys
import tempfile

failed = 0


def check(name, cond, detail=""):
    global failed
    print(("ok - " if cond else "not ok - ") + name)
    if not cond:
        failed = 1
        for line in str(detail).splitlines()[-10:]:
            print("    " + line)


def run_on_pty(args):
    """Run with stderr on a pty; return (status, what the terminal got)."""
    master, slave = pty.openpty()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=null, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(), b"".join(chunks).decode(errors="replace")


def run_on_pipe(args):
    r = subprocess.run(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    return r.returncode, r.stderr.decode(errors="replace")


def main(ferctl):
    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "good.batch")
        with open(good, "w") as f:
            f.write("# a batch that needs no kernel\n")
            f.write("route help\n" * 2999)
        bad = os.path.join(tmp, "bad.batch")
        with open(bad, "w") as f:
            f.write("route help\nroute add 10.0.0.0/33\nroute help\nroute add 1.2.3/8\n")

        st, tty = run_on_pty([ferctl, "-batch", good])
        check("-batch on a terminal exits 0", st == 0, tty)
        check("-batch on a terminal draws its progress in place (lines, share of the file)",
              "\r\x1b[K1 lines" in tty and "%" in tty, repr(tty[:300]))
        check("-batch on a terminal ends with a summary",
              tty.rstrip("\r\n").endswith(
                  "\x1b[Kferctl: batch: 3000 lines, 0 routes added, 0 failed, in "
                  + tty.rstrip("\r\n").split(", in ")[-1]) and " lines/s)" in tty,
              repr(tty[-300:]))

        st, err = run_on_pipe([ferctl, "-batch", good])
        check("-batch not on a terminal is silent", st == 0 and err == "", repr(err[:300]))

        st, tty = run_on_pty([ferctl, "-force", "-batch", bad])
        check("-force -batch on a terminal exits 1 after failures", st == 1, tty)
        # Each failure starts a line of its own: the progress line, if
        # drawn, is cleared first (line 2 comes right after the first draw).
        starts = [tty[:i] for i in range(len(tty)) if tty.startswith("ferctl: line ", i)]
        check("failures are printed on a cleared progress line",
              "\r\x1b[Kferctl: line 2: " in tty and len(starts) == 2 and
              all(p.endswith(("\r\x1b[K", "\n")) for p in starts), repr(tty))
        check("the summary counts the failures",
              "ferctl: batch: 4 lines, 0 routes added, 2 failed, in " in tty, repr(tty))

        st, err = run_on_pipe([ferctl, "-force", "-batch", bad])
        lines = err.splitlines()
        check("-force -batch not on a terminal prints only the failures",
              st == 1 and len(lines) == 2 and all(l.startswith("ferctl: line ") for l in lines)
              and "\x1b" not in err, repr(err))
    return failed


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
