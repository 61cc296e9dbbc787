"""A throw-away Dovecot IMAP server on loopback (Debian's dovecot-imapd), TLS with a
self-signed certificate made here, one mailbox user; for the tests of answers read by mail.
Skipped where Dovecot is not installed, except in CI (.ci/run installs it), where that fails."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = Path("/usr/sbin/dovecot")
USER, PASSWORD = "koordination@example.org", "geheim-für-tests"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    password: str
    certificate: Path  # the CA a client must trust (SSL_CERT_FILE)

    def imap(self):  # type: ignore[no-untyped-def]
        import imaplib
        import ssl

        context = ssl.create_default_context(cafile=str(self.certificate))
        connection = imaplib.IMAP4_SSL(self.host, self.port, ssl_context=context, timeout=10)
        from coordinator.mail.imap import login

        login(connection, self.user, self.password)
        return connection

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        connection = self.imap()
        try:
            for message in messages:
                status, _data = connection.append(folder, None, None, message)
                assert status == "OK"
        finally:
            connection.logout()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dovecot() -> Iterator[Server]:
    if not DOVECOT.exists() or not shutil.which("openssl"):
        if os.environ.get("CI"):
            pytest.fail("CI needs Dovecot (dovecot-imapd) and openssl")
        pytest.skip("Dovecot (dovecot-imapd) is not installed")
    # Not under pytest's temporary folder: that one is private to us (0700), and Dovecot's
    # own users must reach the user list and the mail folder.
    root = Path(tempfile.mkdtemp(prefix="coordinator-dovecot-"))
    root.chmod(0o755)
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(root / "key.pem"), "-out", str(root / "cert.pem"),
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
    home = root / "home"
    home.mkdir()
    if os.geteuid() == 0:  # Dovecot will not serve mail as root: its own users do
        login, internal, mail_user = "dovenull", "dovecot", "dovecot"
        entry = pwd.getpwnam(mail_user)
        os.chown(home, entry.pw_uid, entry.pw_gid)
    else:
        login = internal = mail_user = pwd.getpwuid(os.geteuid()).pw_name
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(
        f"""base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = yes
auth_mechanisms = plain
first_valid_uid = 1
first_valid_gid = 1
default_login_user = {login}
default_internal_user = {internal}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail_user} gid={mail_user} home={home}/%u
}}
mail_location = maildir:~/Maildir
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
""",
        encoding="utf-8",
    )
    for folder in ("run", "state"):
        (root / folder).mkdir()
    # (no pipes: the daemon keeps them open, and run() would wait for it forever)
    subprocess.run(
        [str(DOVECOT), "-c", str(config)], check=True, timeout=30,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    server = Server("127.0.0.1", port, USER, PASSWORD, root / "cert.pem")
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                server.imap().logout()
                break
            except Exception:  # (OSError, or an IMAP error while it starts)
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield server
    finally:
        subprocess.run(
            [str(DOVECOT), "-c", str(config), "stop"], check=False, timeout=30,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)
