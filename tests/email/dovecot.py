"""A throwaway Dovecot (IMAP + LMTP) for tests: standalone config in a temp dir, free loopback ports.

Needs the Debian packages `dovecot-imapd dovecot-lmtpd` (`dovecot -F` is started directly, no systemd).
Run as root, mail is stored as `nobody` and Dovecot's own processes use the `dovecot`/`dovenull` users
the package creates; run as anyone else, everything runs as that user.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import secrets
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from connectors.email import ImapAccount

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = dealbot-test-{imap_port}
log_path = {root}/dovecot.log
protocols = imap lmtp
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {first_uid}
first_valid_gid = {first_gid}
mail_location = maildir:~/Maildir
recipient_delimiter = +
lmtp_save_to_detail_mailbox = no
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%n {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%n {root}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service lmtp {{
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {lmtp_port}
  }}
}}
protocol lmtp {{
  postmaster_address = postmaster@example.test
}}
"""


def find_dovecot() -> str | None:
    """The dovecot binary: $DEALBOT_DOVECOT if set (must be executable), else PATH or /usr/sbin."""
    if "DEALBOT_DOVECOT" in os.environ:
        path = os.environ["DEALBOT_DOVECOT"]
        return path if os.access(path, os.X_OK) else None
    return shutil.which("dovecot") or next(
        (path for path in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.access(path, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DovecotServer:
    binary: str
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="dealbot-dovecot-")))
    imap_port: int = field(default_factory=free_port)
    lmtp_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    pool_size: int = 32
    _pool: list[tuple[str, str]] = field(default_factory=list)

    def start(self, timeout: float = 15.0) -> None:
        self._prepare()
        self.process = subprocess.Popen([self.binary, "-F", "-c", str(self.root / "dovecot.conf")],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited with {self.process.returncode}:\n{self.diagnostics()}")
            if _accepts(self.imap_port) and _accepts(self.lmtp_port):
                return
            time.sleep(0.05)
        raise RuntimeError(f"dovecot did not listen within {timeout} s:\n{self.diagnostics()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def add_user(self) -> tuple[str, str]:
        """A fresh mailbox user (name, password), from users written before Dovecot started."""
        if self._pool:
            return self._pool.pop()
        user = self._write_user()
        time.sleep(1.1)  # Dovecot checks a changed passwd-file at most once per second
        return user

    def _write_user(self) -> tuple[str, str]:
        name, password = f"u{secrets.token_hex(4)}", secrets.token_hex(8)
        uid, gid = self._mail_ids()
        with (self.root / "users").open("a") as users:
            users.write(f"{name}:{{PLAIN}}{password}:{uid}:{gid}::{self.root / 'mail' / name}::\n")
        return name, password

    def deliver(self, recipient: str, raw: bytes, sender: str = "sender@example.test") -> None:
        """Deliver one mail through LMTP, as a real MTA would."""
        with smtplib.LMTP("127.0.0.1", self.lmtp_port, timeout=10) as lmtp:
            refused = lmtp.sendmail(sender, [recipient], raw)
        if refused:
            raise RuntimeError(f"LMTP refused {recipient}: {refused}")

    def diagnostics(self) -> str:
        log = self.root / "dovecot.log"
        text = log.read_text(errors="replace")[-4000:] if log.exists() else ""
        if self.process is not None and self.process.stdout is not None and self.process.poll() is not None:
            text += self.process.stdout.read().decode(errors="replace")[-4000:]
        return text

    def _prepare(self) -> None:
        internal, internal_group, login = _service_users()
        uid, gid = self._mail_ids()
        self.root.chmod(0o755)  # Dovecot's unprivileged processes must traverse it
        for name in ("run", "state", "mail"):
            (self.root / name).mkdir(exist_ok=True)
        if os.geteuid() == 0:
            os.chown(self.root / "mail", uid, gid)
        (self.root / "users").touch(mode=0o644)
        self._pool = [self._write_user() for _ in range(self.pool_size)]
        (self.root / "dovecot.conf").write_text(CONFIG.format(
            root=self.root, imap_port=self.imap_port, lmtp_port=self.lmtp_port, internal_user=internal,
            internal_group=internal_group, login_user=login,
            first_uid=min(uid, 500), first_gid=min(gid, 500)))
        _check_traversable(self.root)

    @staticmethod
    def _mail_ids() -> tuple[int, int]:
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            return nobody.pw_uid, nobody.pw_gid
        return os.geteuid(), os.getegid()


@dataclass
class Mailbox:
    server: DovecotServer
    user: str
    password: str

    @property
    def address(self) -> str:
        return f"{self.user}@example.test"

    def account(self, folders: tuple[str, ...] = ("INBOX",)) -> ImapAccount:
        return ImapAccount(host="127.0.0.1", port=self.server.imap_port, ssl=False, username=self.user,
                           password=self.password, address=self.address, folders=folders, timeout=10.0)

    def deliver(self, raw: bytes, detail: str = "") -> None:
        recipient = f"{self.user}+{detail}@example.test" if detail else self.address
        self.server.deliver(recipient, raw)


def _service_users() -> tuple[str, str, str]:
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid()).pw_name
        return me, grp.getgrgid(os.getegid()).gr_name, me
    try:
        pwd.getpwnam("dovecot")
        pwd.getpwnam("dovenull")
    except KeyError as err:
        raise RuntimeError("the dovecot/dovenull system users are missing: reinstall dovecot-core") from err
    return "dovecot", grp.getgrgid(pwd.getpwnam("dovecot").pw_gid).gr_name, "dovenull"


def _check_traversable(path: Path) -> None:
    for parent in [path, *path.parents]:
        if not parent.stat().st_mode & 0o001:
            raise RuntimeError(f"{parent} lacks o+x; Dovecot's unprivileged processes cannot reach {path}")


def _accepts(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
        return True
    return False


def running_dovecot() -> Iterator[DovecotServer]:
    """A started server for a test session (the body of both email suites' `dovecot` fixtures); the test
    fails, never skips, when Dovecot is missing or does not start."""
    binary = find_dovecot()
    if binary is None:
        pytest.fail("dovecot is not installed; the email tests need a real IMAP server: "
                    "apt-get install -y dovecot-imapd dovecot-lmtpd (or make system-deps)", pytrace=False)
    server = DovecotServer(binary)
    try:
        server.start()
    except RuntimeError as err:
        server.stop()
        pytest.fail(f"dovecot did not start: {err}", pytrace=False)
    yield server
    server.stop()
