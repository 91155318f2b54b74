"""What several end-to-end tests share: running the docpipe executable,
reading the JSON summary a `run` prints last on stdout, and recording the
checks that fail."""
import json, subprocess


def run_docpipe(exe, *args, timeout=300):
    """(the finished process, the last JSON line of stdout or None)."""
    r = subprocess.run([exe, *args], capture_output=True, text=True, timeout=timeout)
    summary = None
    for line in reversed(r.stdout.strip().splitlines()):
        if line.startswith('{'):
            summary = json.loads(line)
            break
    return r, summary


def checker(failures):
    """check(cond, msg): records msg in `failures` when cond is false, so a
    test script reports every failed check at its end, not just the first."""
    def check(cond, msg):
        if not cond:
            failures.append(msg)
    return check
