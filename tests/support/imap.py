"""A real IMAP server for tests: Debian's dovecot, started on a free port with its own config.

With `tls=True` it also listens for IMAPS on `tls_port` and offers STARTTLS on `port`, with
a certificate from a throwaway authority (trustme) whose CA file and client context it hands
out.

Tests that need it skip with a sentence when dovecot is not installed
(`apt-get install dovecot-imapd`; .ci/run installs it).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.services import free_port, port_open

USER = "support"
PASSWORD = "imap-secret"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{ssl}
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
"""


@dataclass(frozen=True)
class ImapTestServer:
    port: int
    username: str = USER
    password: str = PASSWORD
    tls_port: int | None = None  # IMAPS, when started with tls
    ca_file: Path | None = None  # the authority that signed its certificate
    client_context: ssl.SSLContext | None = None  # trusts that authority


def require_dovecot() -> None:
    if not Path(DOVECOT).exists():
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd); IMAP tests skipped.")


def _accounts() -> tuple[str, str, int, int]:
    """Who dovecot's login and mail processes run as (never root for mail)."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid
    nobody = pwd.getpwnam("nobody")
    return "dovenull", "dovecot", nobody.pw_uid, nobody.pw_gid


def _certificate(root: Path) -> tuple[str, Path, ssl.SSLContext]:
    """dovecot's ssl settings for a fresh certificate of 127.0.0.1, the CA file, a client."""
    import trustme

    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    cert, key, ca_file = root / "cert.pem", root / "key.pem", root / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca_file))
    client = ssl.create_default_context()
    authority.configure_trust(client)
    return f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}", ca_file, client


@contextmanager
def imap_server(*, tls: bool = False) -> Iterator[ImapTestServer]:
    require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="relaydesk-dovecot-"))
    root.chmod(0o755)
    login_user, internal_user, uid, gid = _accounts()
    (root / "home").mkdir()
    os.chown(root / "home", uid, gid)
    port = free_port()
    tls_port = free_port() if tls else 0
    ssl_settings, ca_file, client = _certificate(root) if tls else ("ssl = no", None, None)
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root,
            login_user=login_user,
            internal_user=internal_user,
            uid=uid,
            gid=gid,
            password=PASSWORD,
            port=port,
            tls_port=tls_port,
            ssl=ssl_settings,
        )
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        ports = [port, tls_port] if tls else [port]
        while not all(port_open("127.0.0.1", each) for each in ports):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
                raise RuntimeError(f"dovecot did not start:\n{log}")
            time.sleep(0.1)
        yield ImapTestServer(
            port, tls_port=tls_port or None, ca_file=ca_file, client_context=client
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        shutil.rmtree(root, ignore_errors=True)
