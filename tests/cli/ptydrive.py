#!/usr/bin/env python3
"""Drive a program through a real pseudo-terminal, like a person would.

    ptydrive.py [--cols N] [--rows N] [--timeout S] [--log FILE] -- CMD ARGS... < SCRIPT

The program's stdin, stdout and stderr are the slave side of a new pty of
the given size (default 80x24), so isatty() is true and the terminal
echoes what is typed.  SCRIPT has one step per line:

    expect TEXT   wait until TEXT appears in the output after the previous match
    send TEXT     type TEXT and press Enter (TEXT may be empty: Enter alone)
    kill          SIGKILL the program (a crash: no chance to clean up)
    hup           hang up the terminal (the ssh connection drops)
    eof           type Ctrl-D
    sleep S       wait S seconds (another session runs meanwhile)
    exit N        wait for the program to end with status N
    # ...         a comment

The first step that fails stops the script: "not ok - NAME: STEP" and
the last output are printed and the exit status is 1; when every step
passes, one "ok - NAME" line.  Output is matched with CR LF turned into LF and without the
program having to print anything special.  --log writes the whole
transcript.  A program still running after the script is killed.
"""
import argparse
import os
import pty
import select
import signal
import struct
import sys
import time
import fcntl
import termios


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cols", type=int, default=80)
    ap.add_argument("--rows", type=int, default=24)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--log")
    ap.add_argument("--name", default="")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        ap.error("no command")
    steps = [l.rstrip("\n") for l in sys.stdin]

    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", a.rows, a.cols, 0, 0))
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)

    out = bytearray()
    state = {"eof": False, "status": None}
    mark = 0

    def text():
        return out.decode("utf-8", "replace").replace("\r\n", "\n")

    def pump(wait):
        if state["eof"]:
            return
        r, _, _ = select.select([fd], [], [], wait)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if chunk:
                out.extend(chunk)
            else:
                state["eof"] = True

    def reap(block):
        if state["status"] is not None:
            return
        p, st = os.waitpid(pid, 0 if block else os.WNOHANG)
        if p == pid:
            if os.WIFEXITED(st):
                state["status"] = os.WEXITSTATUS(st)
            else:
                state["status"] = 128 + os.WTERMSIG(st)

    def tail():
        t = text()[mark:] if mark < len(text()) else ""
        lines = text().splitlines()[-15:]
        return "\n".join("#   " + l for l in lines) + ("\n#   (unmatched: %r)" % t[-200:] if t else "")

    tag = (a.name + ": ") if a.name else ""
    failed = False
    for step in steps:
        if not step.strip() or step.lstrip().startswith("#"):
            continue
        verb, _, arg = step.partition(" ")
        if verb == "expect":
            deadline = time.time() + a.timeout
            while True:
                i = text().find(arg, mark)
                if i >= 0:
                    mark = i + len(arg)
                    break
                if state["eof"] or time.time() > deadline:
                    failed = True
                    break
                pump(0.05)
        elif verb == "send":
            time.sleep(0.02)
            os.write(fd, arg.encode("utf-8") + b"\r")
        elif verb == "kill":
            os.kill(pid, signal.SIGKILL)
            reap(True)
        elif verb == "hup":
            os.close(fd)
            state["eof"] = True
            deadline = time.time() + a.timeout
            while state["status"] is None and time.time() < deadline:
                reap(False)
                time.sleep(0.05)
            if state["status"] is None:
                failed = True
        elif verb == "eof":
            os.write(fd, b"\x04")
        elif verb == "sleep":
            deadline = time.time() + float(arg)
            while time.time() < deadline:
                pump(0.05)
        elif verb == "exit":
            deadline = time.time() + a.timeout
            while not state["eof"] and time.time() < deadline:
                pump(0.05)
            while state["status"] is None and time.time() < deadline:
                reap(False)
                time.sleep(0.02)
            if state["status"] != int(arg):
                failed = True
                step += " (status %s)" % state["status"]
        else:
            failed = True
            step = "bad step '%s'" % step
        if failed:
            print("not ok - %s%s" % (tag, step))
            print(tail())
            break
    if not failed:
        print("ok - %s" % (a.name or " ".join(cmd)))

    if state["status"] is None:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        reap(True)
    if a.log:
        with open(a.log, "w", encoding="utf-8") as f:
            f.write(text())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
