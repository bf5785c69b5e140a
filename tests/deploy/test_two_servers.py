"""Hamdeli as a city network runs it (deploy/, README "Running for a city network"): two app servers
(gunicorn, production settings) and one `hamdeli worker`, each its own process, sharing nothing but PostgreSQL and
the media folder, then nginx in front of both with deploy/nginx/hamdeli.conf as committed.

A write through one server is read through the other; practices imported in bulk through one server are
embedded by the worker, after which the other server's semantic search finds them (its vector matrix follows
the database); every process stops cleanly on SIGTERM and leaves no child behind.

Defined only when the tests run on PostgreSQL (.ci/run's second pass), like `make fuzz`'s stateful test: the
deployment it checks is PostgreSQL's, and on SQLite nothing is collected, so nothing counts as skipped."""

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from hamdeli.core import services as core
from hamdeli.core.models import AuditEntry
from hamdeli.practices.models import Practice

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's nginx-light (.ci/run installs it)
WAIT = 180  # seconds a process may take to start or a job to finish before the test gives up (not a timing)

# The practices of the bulk import: one about groceries for the elderly, the rest about other things.
GROCERIES = "Volunteers bring groceries and medicine to elderly neighbours who must stay at home"
OTHERS = [
    "Night-time disinfection of tram carriages and stops",
    "School lessons broadcast on the city's television channel",
    "A registry of ventilators shared between the city's hospitals",
    "Small shops pay no municipal rent for three months",
    "Council meetings held by video conference",
    "Contactless ticket machines on every bus",
    "Posters about hand washing in six languages",
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
    return f"postgresql://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (gunicorn's workers), read from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Processes:
    """The started processes, each with its log file; all of them are stopped at the end of the test."""

    def __init__(self, env: dict, logs: Path):
        self.env, self.logs, self.started = env, logs, []

    def start(self, name: str, *args: str, program: str = sys.executable) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen([program, *args], env=self.env, cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append((name, process, log))
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")[-4000:]

    def stop(self, process: subprocess.Popen) -> int:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise

    def stop_all(self) -> None:
        for _name, process, log in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


class Server:
    """One app server as the proxy in front of it reaches it: over HTTP, the request marked as HTTPS."""

    def __init__(self, port: int, token: str, *, scheme: str = "http"):
        self.port, self.base, self.token = port, f"{scheme}://127.0.0.1:{port}", token
        self.tls = ssl.create_default_context()
        self.tls.check_hostname, self.tls.verify_mode = False, ssl.CERT_NONE  # the test's own certificate

    def call(self, method: str, path: str, body: dict | None = None, *, proxied: bool = True,
             client: str = "203.0.113.7", raw_body: bytes | None = None) -> tuple[int, dict, dict]:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if proxied:  # what deploy/nginx/hamdeli.conf sends (or, through nginx, what a client makes up)
            headers |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": client}
        data = json.dumps(body).encode() if body is not None else raw_body
        request = urllib.request.Request(self.base + path, data=data, method=method,  # noqa: S310 (http://127.0.0.1)
                                         headers=headers)
        opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=self.tls))
        try:
            with opener.open(request, timeout=120) as response:
                status, raw, answer_headers = response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            status, raw, answer_headers = error.code, error.read(), dict(error.headers)
        is_json = answer_headers.get("Content-Type", "").startswith("application/json")
        payload = json.loads(raw) if raw and is_json else {}
        return status, payload, answer_headers

    def wait_until_up(self, process: subprocess.Popen, processes: Processes, name: str) -> None:
        deadline = time.monotonic() + WAIT
        while True:
            assert process.poll() is None, f"{name} stopped:\n{processes.log(name)}"
            assert time.monotonic() < deadline, f"{name} did not answer:\n{processes.log(name)}"
            try:
                if self.call("GET", "/api/v1/practices/practices?limit=1")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _nginx(tmp_path: Path, upstreams: list[int], http_port: int, https_port: int) -> Path:
    """deploy/nginx/hamdeli.conf as committed, with this test's ports, certificate and static folder, inside a
    main configuration that keeps every file of nginx's under tmp_path."""
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)
    site = (ROOT / "deploy" / "nginx" / "hamdeli.conf").read_text()
    for old, new in {"server 127.0.0.1:8001 ": f"server 127.0.0.1:{upstreams[0]} ",
                     "server 127.0.0.1:8002 ": f"server 127.0.0.1:{upstreams[1]} ",
                     "listen 80;": f"listen 127.0.0.1:{http_port};", "listen [::]:80;": "",
                     "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
                     "listen [::]:443 ssl http2;": "", "/etc/ssl/hamdeli/": f"{certs}/",
                     "root /srv/hamdeli;": f"root {tmp_path};"}.items():
        assert old in site, old  # the test follows the committed file
        site = site.replace(old, new)
    (tmp_path / "site.conf").write_text(site)
    temp = "\n".join(f"    {kind}_temp_path {tmp_path / ('nginx-' + kind)};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp_path / "nginx.conf"
    main.write_text(f"""{'user root;' if os.geteuid() == 0 else ''}
daemon off;
pid {tmp_path / 'nginx.pid'};
error_log {tmp_path / 'nginx-error.log'};
events {{}}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp_path / 'nginx-access.log'};
{temp}
    include {tmp_path / 'site.conf'};
}}
""")
    return main


def two_app_servers_and_a_worker_share_one_database(org, officer, cities, tmp_path):
    membership = officer.memberships.get(org=org)
    _token, secret = core.create_api_token(membership=membership, name="deploy test")
    media = tmp_path / "media"  # one folder for every process, as an NFS mount would be
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HAMDELI_DATABASE_URL": _database_url(),
           "HAMDELI_MODE": "production", "HAMDELI_SECRET_KEY": "deploy-test-" + "k" * 60,
           "HAMDELI_ALLOWED_HOSTS": "127.0.0.1", "HAMDELI_TRUSTED_PROXIES": "1",
           "HAMDELI_MEDIA_ROOT": str(media), "HAMDELI_VAR_DIR": str(tmp_path / "var"),
           "HAMDELI_STATIC_ROOT": str(tmp_path / "static"), "HAMDELI_TASKS_BACKEND": "database",
           "HAMDELI_SEARCH_THREADS": "1", "OMP_NUM_THREADS": "1",
           # every import's embeddings left to the worker, as a file over the inline limit's are (100 rows)
           "HAMDELI_IMPORT_EMBED_INLINE": "0"}
    processes = Processes(env, tmp_path)
    try:
        servers = {}
        for name in ("a", "b"):
            port = _free_port()
            process = processes.start(name, "-m", "gunicorn", "hamdeli.wsgi:application", "--bind",
                                      f"127.0.0.1:{port}", "--workers", "1", "--timeout", "120",
                                      "--access-logfile", "-")
            servers[name] = (Server(port, secret), process)
        for name, (server, process) in servers.items():
            server.wait_until_up(process, processes, name)
        (a, a_process), (b, b_process) = servers["a"], servers["b"]

        # The proxy's headers are honoured: without X-Forwarded-Proto the request is sent to HTTPS.
        status, _body, headers = a.call("GET", "/api/v1/practices/practices", proxied=False)
        assert status == 301 and headers["Location"].startswith("https://")

        # A partnership written through A is read through B, and changed through B is read through A.
        status, created, _ = a.call("POST", "/api/v1/partners/partnerships",
                                    {"city_geonameid": cities["barcelona"].geonameid, "notes": "written on A"})
        assert status == 201, created
        status, read, _ = b.call("GET", f"/api/v1/partners/partnerships/{created['id']}")
        assert status == 200 and read["notes"] == "written on A" and read["city_name_en"] == "Barcelona"
        status, _changed, _ = b.call("PATCH", f"/api/v1/partners/partnerships/{created['id']}",
                                     {"notes": "changed on B"})
        assert status == 200
        assert a.call("GET", f"/api/v1/partners/partnerships/{created['id']}")[1]["notes"] == "changed on B"
        listed = b.call("GET", "/api/v1/partners/partnerships")[1]
        assert [p["id"] for p in listed["items"]] == [created["id"]]

        # B has searched (its vector matrix is loaded) before anything is imported.
        status, before, _ = b.call("GET", "/api/v1/practices/practices?mode=semantic&q=groceries")
        assert status == 200 and before["found"] == 0

        # Bulk import through A with no worker running: the practices wait for their vectors.
        rows = [{"title": {"en": title}, "topics": ["social_support" if title == GROCERIES else "governance"]}
                for title in [*OTHERS[:4], GROCERIES, *OTHERS[4:]]]
        status, imported, _ = a.call("POST", "/api/v1/practices/import",
                                     {"format": "json", "content": json.dumps(rows)})
        assert status == 201 and imported["created"] == len(rows), imported
        assert Practice.objects.filter(embedding=None).count() == len(rows)
        [queued] = DBTaskResult.objects.all()
        assert queued.status == "READY"
        # B lists them at once (the rows are in the database) but finds none by meaning yet.
        assert b.call("GET", "/api/v1/practices/practices")[1]["found"] == len(rows)
        query = "/api/v1/practices/practices?mode=semantic&limit=3&q=" + urllib.request.quote(
            "رساندن خرید و دارو به سالمندان خانه‌نشین")  # Persian: delivering shopping and medicine to the elderly
        assert b.call("GET", query)[1]["found"] == 0

        # The worker embeds them; B's semantic search then finds the right one, across languages.
        worker = processes.start("worker", "-m", "hamdeli.cli", "worker", "--interval", "0.2")
        deadline = time.monotonic() + WAIT
        # the embedding job, then the shared vector index's refresh it enqueues: every job done
        while (DBTaskResult.objects.filter(status__in=("READY", "RUNNING")).exists()
               or DBTaskResult.objects.get(pk=queued.pk).status != "SUCCESSFUL"):
            assert worker.poll() is None, processes.log("worker")
            assert time.monotonic() < deadline, processes.log("worker")
            time.sleep(0.3)
        assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}, processes.log("worker")
        # the job also wrote the shared vector index the app servers read (practices/search/index.py)
        assert list((tmp_path / "var").rglob("CURRENT")), processes.log("worker")
        assert not Practice.objects.filter(embedding=None).exists()
        status, found, _ = b.call("GET", query)
        assert status == 200 and found["hits"], found
        assert found["hits"][0]["practice"]["title"]["en"] == GROCERIES
        assert a.call("GET", query)[1]["hits"][0]["practice"]["title"]["en"] == GROCERIES

        # The audit names the client the proxy saw, whichever server wrote.
        assert set(AuditEntry.objects.filter(org=org, action__startswith="partnership.").values_list(
            "ip", flat=True)) == {"203.0.113.7"}

        # nginx in front, with deploy/nginx/hamdeli.conf: one address for both app servers, static files from the
        # collected folder, the client's address as nginx saw it, an upload over the limit refused by nginx.
        static = tmp_path / "static" / "web"  # HAMDELI_STATIC_ROOT as collectstatic leaves it: one file is enough
        static.mkdir(parents=True, exist_ok=True)
        (static / "check.0123456789ab.css").write_text("body { margin: 0 }")
        http_port, https_port = _free_port(), _free_port()
        config = _nginx(tmp_path, [a.port, b.port], http_port, https_port)
        nginx = processes.start("nginx", "-p", str(tmp_path), "-c", str(config), "-e",
                                str(tmp_path / "nginx-error.log"), program=NGINX)
        front = Server(https_port, secret, scheme="https")
        front.wait_until_up(nginx, processes, "nginx")
        status, _body, headers = Server(http_port, secret).call("GET", "/api/v1/partners/partnerships",
                                                                proxied=False)
        assert status == 301 and headers["Location"].startswith("https://")
        # A client's own X-Forwarded-For proves nothing: the audit has the address nginx saw.
        status, made, _ = front.call("POST", "/api/v1/partners/partnerships",
                                     {"city_geonameid": cities["xian"].geonameid}, client="198.51.100.9")
        assert status == 201, made
        assert AuditEntry.objects.filter(org=org, action="partnership.created").order_by("-seq")[0].ip == "127.0.0.1"
        for _ in range(4):
            status, listed, _ = front.call("GET", "/api/v1/partners/partnerships")
            assert status == 200 and {p["id"] for p in listed["items"]} == {created["id"], made["id"]}
        for name in ("a", "b"):  # nginx sent some of them to each app server
            assert "GET /api/v1/partners/partnerships HTTP" in processes.log(name), name
        status, _body, headers = front.call("GET", "/static/web/check.0123456789ab.css", proxied=False)
        assert status == 200 and "immutable" in headers["Cache-Control"]
        assert front.call("GET", "/media/practices/2026/some.pdf", proxied=False)[0] == 404
        too_big = b"x" * (settings.UPLOAD_MAX_BYTES + 2 * 1024 * 1024)
        assert front.call("POST", "/api/v1/practices/import", raw_body=too_big)[0] == 413

        # Each process stops on SIGTERM, gunicorn's workers with their master; nothing is left running.
        workers = {pid for _server, process in servers.values() for pid in _children(process.pid)}
        assert len(workers) == 2
        for name, process in (("nginx", nginx), ("a", a_process), ("b", b_process), ("worker", worker)):
            assert processes.stop(process) == 0, processes.log(name)
        time.sleep(0.5)
        assert not [pid for pid in workers if _alive(pid)]
        for server, _process in servers.values():
            with pytest.raises(OSError):
                server.call("GET", "/api/v1/practices/practices")
    finally:
        processes.stop_all()


if ON_POSTGRES:
    test_two_app_servers_and_a_worker_share_one_database = pytest.mark.django_db(transaction=True)(
        two_app_servers_and_a_worker_share_one_database)
