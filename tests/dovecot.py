"""A real IMAP and POP3 server for tests: Debian's Dovecot on free local ports, each user with a Maildir.

Mail reaches a mailbox as it does at the city: the mail server hands it to Dovecot's delivery agent
(``dovecot-lda``), which files it in the user's Maildir. Any user name logs in with ``PASSWORD``, so a
test takes a fresh name and gets an empty mailbox.

TLS (``imaps://``, ``pop3s://``) uses a self-signed certificate for 127.0.0.1 made at start-up
(``certificate``): a client trusts it only when told to, e.g. through ``SSL_CERT_FILE``.

Started as root (CI), Dovecot keeps its usual privilege separation and the mail belongs to ``nobody``;
started by anyone else, everything runs as that user (Dovecot's "rootless" set-up).
"""

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = Path("/usr/sbin/dovecot")
LDA = Path("/usr/lib/dovecot/dovecot-lda")
OPENSSL = Path("/usr/bin/openssl")  # a dependency of Debian's dovecot-core
INSTALL = (
    "Dovecot is not installed, so the IMAP and POP3 mail-reader tests cannot run. Install Debian's "
    "(as .ci/run does): sudo apt-get install dovecot-imapd dovecot-pop3d"
)
PASSWORD = "test-only-password"
HOST = "127.0.0.1"

CONFIG = """
protocols = imap pop3
listen = {host}
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
ssl = yes
ssl_cert = <{folder}/certificate.pem
ssl_key = <{folder}/key.pem
# Plain-text login over an unencrypted local connection: test only. Production uses imaps:// or pop3s://.
disable_plaintext_auth = no
auth_mechanisms = plain
# Refused logins answer at once (a real server waits to slow down password guessing).
auth_failure_delay = 0
mail_location = maildir:~/Maildir
first_valid_uid = 1
postmaster_address = postmaster@example.jp
{users}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={folder}/home/%u
}}
service anvil {{
  {chroot}
  # No growing delay for an address after refused logins (the refused-login tests log in again at once).
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""
# One per protocol: the plain listener and the TLS one.
LOGIN_SERVICE = """
service {protocol}-login {{
  {chroot}
  inet_listener {protocol} {{
    address = {host}
    port = {plain_port}
  }}
  inet_listener {protocol}s {{
    address = {host}
    port = {tls_port}
    ssl = yes
  }}
}}
"""


def _free_ports(count: int) -> list[int]:
    """Distinct free ports: every probe stays bound until all are drawn, so the kernel cannot hand one out twice."""
    probes = [socket.socket() for _ in range(count)]
    try:
        for probe in probes:
            probe.bind((HOST, 0))
        return [int(probe.getsockname()[1]) for probe in probes]
    finally:
        for probe in probes:
            probe.close()


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


class Dovecot:
    def __init__(self) -> None:
        if not (DOVECOT.is_file() and LDA.is_file() and OPENSSL.is_file()):
            pytest.fail(INSTALL, pytrace=False)
        # Not pytest's tmp_path: as root, Dovecot's unprivileged processes must be able to reach it.
        self.folder = Path(tempfile.mkdtemp(prefix="manabiba-dovecot-"))
        self.folder.chmod(0o755)
        (self.folder / "home").mkdir()
        schemes = ("imap", "imaps", "pop3", "pop3s")
        self.ports = dict(zip(schemes, _free_ports(len(schemes)), strict=True))
        self.certificate = self.folder / "certificate.pem"
        subprocess.run(  # noqa: S603
            [
                *[str(OPENSSL), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
                *["-nodes", "-days", "2"],
                *["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}"],
                *["-keyout", str(self.folder / "key.pem"), "-out", str(self.certificate)],
            ],
            check=True,
            capture_output=True,
        )
        if os.geteuid() == 0:
            mail_user = pwd.getpwnam("nobody")
            os.chown(self.folder / "home", mail_user.pw_uid, mail_user.pw_gid)
            users, chroot = "", ""
        else:
            mail_user = pwd.getpwuid(os.geteuid())
            users = (
                f"default_login_user = {mail_user.pw_name}\ndefault_internal_user = {mail_user.pw_name}\n"
                f"default_internal_group = {grp.getgrgid(mail_user.pw_gid).gr_name}"
            )
            chroot = "chroot ="
        self.config = self.folder / "dovecot.conf"
        settings = {"host": HOST, "chroot": chroot}
        self.config.write_text(
            CONFIG.format(
                **settings,
                folder=self.folder,
                users=users,
                password=PASSWORD,
                uid=mail_user.pw_uid,
                gid=mail_user.pw_gid,
            )
            + "".join(
                LOGIN_SERVICE.format(
                    **settings, protocol=protocol, plain_port=self.ports[protocol], tls_port=self.ports[f"{protocol}s"]
                )
                for protocol in ("imap", "pop3")
            )
        )
        self.process = subprocess.Popen(  # noqa: S603 (Debian's binary, our own configuration)
            [str(DOVECOT), "-F", "-c", str(self.config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 15
        while not all(_accepts(port) for port in self.ports.values()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                output = self.process.stdout.read().decode() if self.process.stdout else ""
                self.stop()
                pytest.fail(f"Dovecot did not start:\n{output}\n{self.log()}", pytrace=False)
            time.sleep(0.1)

    def log(self) -> str:
        path = self.folder / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def deliver(self, user: str, raw: bytes) -> None:
        """The city's mail server hands a received mail to Dovecot, which files it in ``user``'s inbox."""
        done = subprocess.run(  # noqa: S603
            [str(LDA), "-c", str(self.config), "-d", user], input=raw, capture_output=True, check=False
        )
        assert done.returncode == 0, (done.stderr.decode(), self.log())

    def url(self, scheme: str, user: str, password: str = PASSWORD) -> str:
        return f"{scheme}://{user}:{password}@{HOST}:{self.ports[scheme]}/INBOX"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        if self.process.stdout:
            self.process.stdout.close()
        shutil.rmtree(self.folder, ignore_errors=True)
