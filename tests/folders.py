"""What the tests of both arms share about their results file's folder."""
import time


def remove_under_a_writer(folder, out, within=60.0):
    """Waits for `out` (in `folder`) to be written once, then removes `folder`, so that every
    later write fails. The writer may be between its temporary file (NAME.tmp) and the rename
    at that moment: the folder is emptied until it can be removed."""
    deadline = time.monotonic() + within
    while not out.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    while True:
        for f in folder.iterdir():
            f.unlink(missing_ok=True)
        try:
            folder.rmdir()
            return
        except OSError:
            assert time.monotonic() < deadline, list(folder.iterdir())
