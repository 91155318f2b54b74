"""What several end-to-end tests share: running the docpipe executable and
reading the JSON summary a `run` prints last on stdout."""
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
