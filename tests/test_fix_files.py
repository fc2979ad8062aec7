"""The one place fix writes files: never through a link swapped in, never over an edit saved meanwhile,
owner, mode and hard links kept, and a failing write (a full disk, a signal) leaves the card as it was."""
from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from cardlint.fixer import FixError, read_card, write_card

from conftest import ROOT, run_cli

BAD = "---\nlicense: Apache-2.0\n---\n# Model\n\nA model.\n"
GOOD = BAD.replace("Apache-2.0", "apache-2.0")


@pytest.fixture
def card(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(BAD)
    return path


def test_a_link_swapped_in_after_reading_is_never_followed(card, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("precious\n")
    read = read_card(str(card), str(tmp_path), None)
    card.unlink()
    card.symlink_to(outside)
    with pytest.raises(FixError, match="replaced while cardlint was fixing it"):
        write_card(read, GOOD.encode())
    assert outside.read_text() == "precious\n"
    outside.unlink()


def test_an_edit_saved_while_fixing_is_never_overwritten(card, tmp_path):
    read = read_card(str(card), str(tmp_path), None)
    card.write_text(BAD + "\nThe author's new paragraph.\n")
    with pytest.raises(FixError, match="changed while cardlint was fixing it"):
        write_card(read, GOOD.encode())
    assert card.read_text().endswith("The author's new paragraph.\n")


def test_owner_mode_and_hard_links_are_kept(card, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("changing a file's owner needs root")
    os.chown(card, 4321, 4321)
    os.chmod(card, 0o640)
    assert run_cli("fix", str(card)).returncode == 0
    st = os.stat(card)
    assert card.read_text() == GOOD and (st.st_uid, st.st_gid, st.st_mode & 0o777) == (4321, 4321, 0o640)

    other = tmp_path / "README-link.md"
    card.write_text(BAD)
    os.link(card, other)
    inode = os.stat(card).st_ino
    assert run_cli("fix", str(card)).returncode == 0
    assert other.read_text() == GOOD and os.stat(card).st_ino == inode == os.stat(other).st_ino


def test_a_write_the_disk_refuses_is_one_clear_error_and_the_card_stays(card, tmp_path):
    text = BAD + "A longer description of the model, so that the card is larger than the limit below.\n" * 4
    card.write_text(text)

    def limit_file_size():  # as on a full disk: the kernel refuses to write past 128 bytes
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (128, 128))

    proc = subprocess.run([sys.executable, "-m", "cardlint", "fix", str(card)], cwd=ROOT, capture_output=True,
                          preexec_fn=limit_file_size, timeout=120)
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    assert b"cannot write" in proc.stderr and b"the card is unchanged" in proc.stderr
    assert card.read_text() == text
    assert not list(tmp_path.glob(".cardlint-*"))


def test_a_signal_in_the_write_window_leaves_no_temporary_file(card, tmp_path):
    # the rename is slowed down to open the window wide; the signal and the clean-up are real
    script = textwrap.dedent(f"""\
        import os, sys, time
        real = os.replace
        def slow(a, b):
            print("in-window", flush=True); time.sleep(30); real(a, b)
        os.replace = slow
        from cardlint.cli import main
        sys.exit(main(["fix", {str(card)!r}]))
        """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"in-window"
    assert list(tmp_path.glob(".cardlint-*.tmp"))  # the window is open
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM
    assert not list(tmp_path.glob(".cardlint-*")) and card.read_text() == BAD


def test_fix_reads_only_regular_files_and_stdin_within_the_size_limit(tmp_path):
    fifo = tmp_path / "cards" / "README.md"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    start = time.monotonic()
    proc = run_cli("check", str(tmp_path / "cards"))
    assert time.monotonic() - start < 60 and b"not a regular file (a FIFO)" in proc.stdout
    (tmp_path / ".cardlint.yaml").write_text("max-file-size: 100\n")
    big = BAD + "x" * 500 + "\n"
    proc = run_cli("fix", "--stdin-filename", str(tmp_path / "README.md"), "-", input=big.encode())
    assert proc.stdout.decode() == big  # passed through unchanged: too large to fix
    assert b"file-too-large" in proc.stderr
