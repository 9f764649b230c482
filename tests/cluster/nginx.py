"""nginx for the cluster test: the production site (deploy/nginx/portal.conf) with the few lines a
test must change, a self-signed certificate, and nginx itself as a child process.

`site_for_test` replaces exact lines of the site and fails when one is not there as expected, so
the site and this test cannot drift apart: whoever changes one of these lines in the site sees
this test fail and says here what the test puts instead.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import repo_root
from tests.production import self_signed_certificate as make_certificate

NGINX = "/usr/sbin/nginx"
SITE = repo_root() / "deploy" / "nginx" / "portal.conf"


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path


def self_signed_certificate(directory: Path) -> Certificate:
    """A certificate for https://127.0.0.1 (the client verifies against it as its CA)."""
    return Certificate(*make_certificate(directory))


@dataclass(frozen=True)
class Ports:
    http: int
    https: int
    app1: int
    app2: int


def site_for_test(site: str, *, ports: Ports, certificate: Certificate, static_root: Path, access_log: Path) -> str:
    """The production site with its deployment-specific lines replaced; each expected exactly
    as often as written here."""
    substitutions = [
        # (the production text, how many times it is there, what the test uses)
        ("server app1:8000 ", 1, f"server 127.0.0.1:{ports.app1} "),
        ("server app2:8000 ", 1, f"server 127.0.0.1:{ports.app2} "),
        ("listen 80;", 1, f"listen 127.0.0.1:{ports.http};"),
        ("listen 443 ssl;", 1, f"listen 127.0.0.1:{ports.https} ssl;"),
        ("ssl_certificate /etc/nginx/tls/portal.crt;", 1, f"ssl_certificate {certificate.cert};"),
        ("ssl_certificate_key /etc/nginx/tls/portal.key;", 1, f"ssl_certificate_key {certificate.key};"),
        ("root /srv/portal;", 1, f"root {static_root.parent};"),
        ("access_log /var/log/nginx/access.log portal_json;", 2, f"access_log {access_log} portal_json;"),
    ]
    assert static_root.name == "static", static_root  # the site serves /static/ from <root>/static
    for production, count, replacement in substitutions:
        found = site.count(production)
        if found != count:
            raise AssertionError(
                f"{SITE}: expected {production!r} {count} time(s), found it {found} time(s); the site "
                f"changed: update site_for_test in {__file__} with it")
        site = site.replace(production, replacement)
    return site


def write_config(directory: Path, *, ports: Ports, certificate: Certificate, static_root: Path) -> Path:
    """nginx.conf (events, http with the MIME types, logs and temp files in `directory`) that
    includes the test's copy of the site."""
    access_log = directory / "nginx-access.log"
    site = directory / "portal.conf"
    site.write_text(site_for_test(SITE.read_text(), ports=ports, certificate=certificate, static_root=static_root,
                                  access_log=access_log))
    temp = directory / "nginx-temp"
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (temp / name).mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would switch to www-data, who cannot read the test's directories.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    config = directory / "nginx.conf"
    config.write_text(f"""{user}worker_processes 2;
error_log {directory / 'nginx-error.log'} notice;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    keepalive_timeout 75s;
    types_hash_max_size 2048;
    client_body_temp_path {temp / 'client_body'};
    proxy_temp_path {temp / 'proxy'};
    fastcgi_temp_path {temp / 'fastcgi'};
    uwsgi_temp_path {temp / 'uwsgi'};
    scgi_temp_path {temp / 'scgi'};
    access_log {access_log};
    include {site};
}}
""")
    return config


def command(directory: Path, config: Path, *extra: str) -> list[str]:
    """nginx with its own prefix, error log, pid file, in the foreground."""
    return [NGINX, "-p", str(directory), "-e", str(directory / "nginx-error.log"), "-c", str(config),
            "-g", f"daemon off; pid {directory / 'nginx.pid'};", *extra]


def check_config(directory: Path, config: Path) -> subprocess.CompletedProcess:
    """`nginx -t` on the test configuration."""
    return subprocess.run(command(directory, config, "-t"), capture_output=True, text=True, timeout=60)
