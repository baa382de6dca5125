# ptystop.py STOP_SECONDS LOG DB CMD...: runs CMD on a new pty (stdin,
# stdout and stderr), SIGSTOPs it for STOP_SECONDS once it holds DB open
# (0: never stops it), writes the whole transcript to LOG and exits with
# CMD's status; 3 when CMD had finished before it could be stopped.
import os, pty, signal, sys, time
stop, log, db, cmd = float(sys.argv[1]), sys.argv[2], os.path.realpath(sys.argv[3]), sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out = bytearray()
stopped = stop <= 0
def opened():
    try:
        return any(os.path.realpath(os.path.join(f"/proc/{pid}/fd", x)) == db
                   for x in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False
deadline = time.time() + 60
while not stopped and time.time() < deadline:
    if opened():
        time.sleep(0.05)
        os.kill(pid, signal.SIGSTOP)
        time.sleep(stop)
        os.kill(pid, signal.SIGCONT)
        stopped = True
        break
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    time.sleep(0.002)
while True:
    try:
        b = os.read(fd, 65536)
    except OSError:
        break
    if not b:
        break
    out += b
_, st = os.waitpid(pid, 0)
open(log, "wb").write(bytes(out))
sys.exit(3 if not stopped else os.waitstatus_to_exitcode(st))
