"""A bounded load test: gunicorn with several workers on loopback, serving a demo instance, and
simulated people for a fixed time: staff signed in with a demo login walking the main pages of
their organisation, and supplier contacts in the portal, each with links they proved with the
one-time code from their mail. Every response must be a 200.

Each simulated person sends its own X-Forwarded-For address and gunicorn trusts one proxy, as
behind the reverse proxy of a deployment: the per-address rate limits count each person, not
the loopback address they all share. A supplier contact rotates over a few links so the
portal's per-link limit (a person reading, not a script) is not what is measured.
"""

from __future__ import annotations

import http.cookiejar
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tillit.assessments import services
from tillit.assessments.models import Assessment, AssessmentStatus
from tillit.organisations.models import Membership
from tillit.organisations.roles import Role
from tillit.web.demo import DEMO_PASSWORD, demo_load

STAFF_PAGES = (
    "dashboard",
    "supplier-list",
    "processing-register",
    "asset-list",
    "assessment-list",
    "followup-plan",
    "management",
    "risk-list",
)
LINKS_PER_CONTACT = 4
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CODE = re.compile(r"Tillit: (\d{6})")


@dataclass
class Person:
    address: str  # X-Forwarded-For
    pages: list[tuple[str, str]]  # (name, URL) they walk through, in turn
    opener: urllib.request.OpenerDirector = field(
        default_factory=lambda: urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
    )


@dataclass
class Sample:
    page: str
    seconds: float
    error: str  # empty when the response was a 200


def request(person: Person, url: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
    """(status, final URL, body); redirects are followed as a browser would."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    # Only the loopback server's own http:// addresses are requested.
    req = urllib.request.Request(url, data=body, headers={"X-Forwarded-For": person.address})  # noqa: S310
    try:
        with person.opener.open(req, timeout=60) as response:
            return response.status, response.url, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, url, exc.read().decode(errors="replace")


def sign_in(person: Person, base: str, email: str) -> None:
    login = base + reverse("account_login")
    _status, _url, page = request(person, login)
    found = CSRF.search(page)
    if found is None:
        raise RuntimeError("no CSRF token on the login page")
    form = {"csrfmiddlewaretoken": found.group(1), "login": email, "password": DEMO_PASSWORD}
    status, url, _page = request(person, login, form)
    if status != 200 or url.startswith(login):
        raise RuntimeError(f"{email} could not sign in (HTTP {status} at {url})")


def prove_code(person: Person, base: str, token: str, email: str) -> None:
    """Ask for a one-time code, read it from the mail waiting in the task queue, enter it."""
    entry = base + reverse("portal-entry", args=[token])
    _status, _url, page = request(person, entry)
    found = CSRF.search(page)
    if found is None:
        raise RuntimeError("no CSRF token on the portal's entry page")
    csrf = found.group(1)
    request(person, base + reverse("portal-code-send", args=[token]), {"csrfmiddlewaretoken": csrf})
    mails = DBTaskResult.objects.filter(task_path__endswith="send_email").order_by("-enqueued_at")
    code = next(
        match.group(1)
        for mail in mails
        if mail.args_kwargs["args"][0] == [email]
        and (match := CODE.search(mail.args_kwargs["args"][1]))
    )
    status, url, _page = request(
        person,
        base + reverse("portal-code-verify", args=[token]),
        {"csrfmiddlewaretoken": csrf, "code": code},
    )
    if status != 200 or "questions" not in url:
        raise RuntimeError(f"the portal refused the code (HTTP {status})")


def prepare() -> tuple[list[tuple[str, str]], list[Assessment]]:
    """A demo instance in the configured database: the security coordinators (e-mail,
    organisation) and the assessments waiting for the supplier's answers."""
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    demo_load()
    coordinators = list(
        Membership.objects.filter(role=Role.SECURITY_COORDINATOR)
        .order_by("user__email")
        .values_list("user__email", "organisation__slug")
    )
    waiting = list(
        Assessment.objects.filter(status=AssessmentStatus.SENT).select_related("created_by")
    )
    if not coordinators or not waiting:
        raise RuntimeError("the demo data has no coordinators or no assessment with a supplier")
    return coordinators, waiting


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_gunicorn(port: int, workers: int) -> subprocess.Popen[bytes]:
    environment = os.environ | {"TRUSTED_PROXIES": "1", "DEBUG": "0"}
    server = subprocess.Popen(  # noqa: S603 -- our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tillit.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
        ],
        env=environment,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within a minute")


def people(base: str, users: int, portal_share: float) -> list[Person]:
    coordinators, waiting = prepare()
    contacts = max(1, round(users * portal_share)) if users > 1 else 0
    found: list[Person] = []
    for number in range(users - contacts):
        email, org = coordinators[number % len(coordinators)]
        person = Person(
            address=f"10.1.{number // 250}.{number % 250 + 1}",
            pages=[(name, base + reverse(name, args=[org])) for name in STAFF_PAGES],
        )
        sign_in(person, base, email)
        found.append(person)
    for number in range(contacts):
        person = Person(address=f"10.2.{number // 250}.{number % 250 + 1}", pages=[])
        for turn in range(LINKS_PER_CONTACT):
            assessment = waiting[(number * LINKS_PER_CONTACT + turn) % len(waiting)]
            email = f"last-{number}-{turn}@leverantor.test"
            if assessment.created_by is None:
                raise RuntimeError(f"nobody created the demo assessment {assessment}")
            _link, token = services.link_issue(
                acting_user=assessment.created_by,
                assessment=assessment,
                contact_name="Last Test",
                contact_email=email,
            )
            prove_code(person, base, token, email)
            url = base + reverse("portal-questionnaire", args=[token])
            person.pages.append(("portal-questionnaire", url))
        found.append(person)
    return found


def walk(person: Person, until: float, samples: list[Sample], lock: threading.Lock) -> None:
    mine: list[Sample] = []
    turn = 0
    while time.monotonic() < until:
        page, url = person.pages[turn % len(person.pages)]
        turn += 1
        started = time.perf_counter()
        try:
            status, final, _body = request(person, url)
            error = "" if status == 200 and final == url else f"HTTP {status} at {final}"
        except OSError as exc:
            error = f"{type(exc).__name__}: {exc}"
        mine.append(Sample(page, time.perf_counter() - started, error))
    with lock:
        samples.extend(mine)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[math.ceil(0.95 * len(ordered)) - 1]


def report(samples: list[Sample], seconds: float, users: int, workers: int) -> str:
    pages: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        pages[sample.page].append(sample.seconds)
    everything = [sample.seconds for sample in samples]
    errors = Counter(sample.error for sample in samples if sample.error)
    lines = [
        f"{users} simulated people, gunicorn with {workers} workers, {seconds:.0f} s: "
        f"{len(samples)} requests, {len(samples) / seconds:.1f} requests/s, "
        f"median {statistics.median(everything) * 1000:.0f} ms, "
        f"p95 {p95(everything) * 1000:.0f} ms, {sum(errors.values())} errors",
        "",
        f"{'page':<22}{'requests':>9}{'median':>10}{'p95':>10}",
    ]
    for page, times in sorted(pages.items()):
        lines.append(
            f"{page:<22}{len(times):>9}{statistics.median(times) * 1000:>8.0f} ms"
            f"{p95(times) * 1000:>7.0f} ms"
        )
    lines += [f"error: {error} ({count}x)" for error, count in errors.most_common(10)]
    return "\n".join(lines)


def run(*, users: int, seconds: float, workers: int, portal_share: float) -> tuple[str, int]:
    """Run the load test; the report and the number of errors."""
    port = free_port()
    server = start_gunicorn(port, workers)
    try:
        crowd = people(f"http://127.0.0.1:{port}", users, portal_share)
        samples: list[Sample] = []
        lock = threading.Lock()
        started = time.monotonic()
        threads = [
            threading.Thread(target=walk, args=(person, started + seconds, samples, lock))
            for person in crowd
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    errors = sum(1 for sample in samples if sample.error)
    return report(samples, elapsed, users, workers), errors
