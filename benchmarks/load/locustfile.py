"""A busy day of the campaign, against the portal on the data of `benchmarks.load.seed`.

Run by `benchmarks/load/run.sh` (`make bench-load`). Each simulated user signs in once as
its own load account (password, then a TOTP code when the portal asks for one) and then
loops over its role's tasks, waiting 1 to 3 s between two, like a person reading a page.

The mix, in users out of 100 (locust's `weight`), for the last weeks of a campaign, when
requests and answers arrive and the surveys are being written:

- 40 teachers (the most numerous users): open their classes, open the request form and
  file a request (a draft saved, as the page's autosave does, or a request sent), list
  their requests and their proposals;
- 30 volunteers: list their proposals, accept one now and then (each has 30 pending);
- 20 departmental correspondents: the matching board (requests and volunteers, filters,
  second pages), a candidates page, the plan they compute once then read, and their
  survey, read and autosaved (their own département each, so no one writes another's);
- 5 academic correspondents: the surveys of their académie and the campaign's cockpit;
- 5 DGESCO staff: the cockpit of the campaign, the reports page, and the download of a
  national report already built (a CSV of every département, the heaviest read).

Every response must have the expected status: a redirect to the sign-in page, a 403 or a
404 counts as a failure.
"""

import base64
import hashlib
import hmac
import itertools
import os
import random
import re
import struct
import time
from datetime import date, timedelta
from http.cookiejar import DefaultCookiePolicy

import gevent
from gevent.event import Event
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "astep-load-2026")
TOTP_SECRET = os.environ.get("LOAD_TOTP_SECRET", "ASTEPLOADASTEPLOADASTEPLOAD23456")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIGN_IN_SECONDS = []  # how long each user took to sign in (password hash, then TOTP)
# The figures start this long after the last sign-in: the pages asked while 50 password
# hashes were computing wait behind them, and would count the sign-in storm in the day.
SETTLE_SECONDS = float(os.environ.get("LOAD_SETTLE_SECONDS", "15"))
MEASURING = Event()  # set when the figures start
NUMBERS = {role: itertools.count(1) for role in ("teacher", "volunteer", "dc", "ac", "national")}


def totp(secret: str, at: float | None = None) -> str:
    """The 6-digit TOTP code of base32 `secret` (RFC 6238: SHA-1, 30 s steps) at `at`."""
    key = base64.b32decode(secret)
    counter = struct.pack(">Q", int((at or time.time()) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


# Send the portal's Secure cookies over loopback HTTP: in production TLS ends at the proxy,
# and the load test measures the application behind it. requests copies the session's
# cookies into fresh jars of the default policy at each request (and redirect), so the
# policy itself has to say so; this process runs nothing but the load test.
DefaultCookiePolicy.return_ok_secure = lambda policy, cookie, request: True


@events.test_stop.add_listener
def sign_in_figures(environment, **kwargs):
    """Write the sign-in times (p50, p95, max, in ms) beside locust's CSV statistics."""
    if not SIGN_IN_SECONDS or not environment.parsed_options.csv_prefix:
        return
    times = sorted(SIGN_IN_SECONDS)
    p50, p95 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.95))]
    with open(f"{environment.parsed_options.csv_prefix}_sign_in.txt", "w") as file:
        file.write(
            f"sign-in of {len(times)} users (not in the figures above): p50 {p50 * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms\n"
        )


def start_measuring(environment):
    environment.stats.reset_all()
    MEASURING.set()


class PortalUser(HttpUser):
    """A signed-in user of one role; subclasses name the role and their tasks."""

    abstract = True
    wait_time = between(1, 3)
    role = ""
    counter = ""

    def on_start(self):
        number = next(NUMBERS[self.counter])
        # Each person comes from their own address, as the TLS proxy tells the portal: the
        # sign-in rate limits count per address (allauth, ALLAUTH_TRUSTED_PROXY_COUNT=1).
        serial = list(NUMBERS).index(self.counter) * 1000 + number
        self.client.headers["X-Forwarded-For"] = f"10.9.{serial // 250}.{serial % 250 + 1}"
        self.email = f"{self.role.replace('_', '-')}-{number}@load.astep.test"
        start = time.perf_counter()
        page = self.client.get("/comptes/login/", name="login form")
        self.post(page, "/comptes/login/", {"login": self.email, "password": PASSWORD}, "login")
        if "/2fa/" in self.last_url:  # the second factor the portal requires for this role
            page = self.client.get(self.last_url, name="2fa form")
            self.post(page, self.last_url, {"code": totp(TOTP_SECRET)}, "2fa")
        SIGN_IN_SECONDS.append(time.perf_counter() - start)
        # The busy day is measured once everyone is signed in and the pages queued behind the
        # sign-ins are served: the sign-ins of 50 people in 5 s (a deliberately slow password
        # hash each) are not the day's load, and are reported apart (sign_in_figures).
        if len(SIGN_IN_SECONDS) == self.environment.parsed_options.num_users:
            gevent.spawn_later(SETTLE_SECONDS, start_measuring, self.environment)

    def post(self, page, url: str, data: dict, name: str, headers=None):
        """POST `data` with the CSRF token of `page`; a redirect is followed and recorded."""
        token = CSRF.search(page.text)
        data = {"csrfmiddlewaretoken": token.group(1) if token else "", **data}
        with self.client.post(
            url,
            data,
            name=name,
            headers={"Referer": page.url, **(headers or {})},
            catch_response=True,
        ) as response:
            self.last_url = response.url
            if response.status_code >= 400 or "/comptes/login/" in response.url and name != "login":
                response.failure(f"{response.status_code} at {response.url}")
            return response

    def get(self, url: str, name: str | None = None):
        """GET `url`; an error status or a redirect to the sign-in page is a failure."""
        with self.client.get(url, name=name or url, catch_response=True) as response:
            if response.status_code >= 400 or "/comptes/login/" in response.url:
                response.failure(f"{response.status_code} at {response.url}")
            return response

    @staticmethod
    def links(page, pattern: str) -> list[str]:
        return sorted(set(re.findall(pattern, page.text)))


class Teacher(PortalUser):
    weight = 40
    role = counter = "teacher"

    @task(3)
    def file_a_request(self):
        classes = self.get("/classes/", "/classes/")
        forms = self.links(classes, r"/classes/\d+/demande/")
        if not forms:
            return
        page = self.get(forms[0], "/classes/[pk]/demande/")
        start = date.today() + timedelta(weeks=4)
        data = {
            "theme": "matter",
            "form": "in_class",
            "period_start": start.isoformat(),
            "period_end": (start + timedelta(weeks=10)).isoformat(),
            "sessions_count": "6",
            "half_days": ["2-am", "4-pm"],
            "accompanists": "1",
            "second_request": "on",
            "comment": "Demande de charge",
        }
        autosave = random.random() < 0.5
        self.post(
            page,
            forms[0],
            data if autosave else {**data, "submit": "1"},
            "/classes/[pk]/demande/ POST" + (" autosave" if autosave else ""),
            headers={"X-Autosave": "1"} if autosave else None,
        )

    @task(3)
    def list_requests(self):
        self.get("/classes/demandes/")

    @task(1)
    def proposals(self):
        self.get("/appariement/propositions/")

    @task(1)
    def home(self):
        self.get("/")


class Volunteer(PortalUser):
    weight = 30
    role = counter = "volunteer"

    @task(4)
    def proposals(self):
        self.get("/appariement/propositions/")

    @task(1)
    def accept_one(self):
        page = self.get("/appariement/propositions/")
        answers = self.links(page, r"/appariement/propositions/\d+/reponse/")
        if answers:
            self.post(
                page,
                random.choice(answers),
                {"answer": "accept"},
                "/appariement/propositions/[pk]/reponse/ POST",
            )

    @task(1)
    def modules(self):
        self.get("/modules/")


class DepartementalCorrespondent(PortalUser):
    weight = 20
    role = "departmental_correspondent"
    counter = "dc"

    def on_start(self):
        super().on_start()
        self.plan_url = None
        MEASURING.wait()  # the plans computed during the day count in the figures

    @task(4)
    def board(self):
        page = self.get("/appariement/")
        for candidates in self.links(page, r"/appariement/demandes/\d+/")[:1]:
            self.get(candidates, "/appariement/demandes/[pk]/")

    @task(2)
    def board_filtered(self):
        self.get("/appariement/?status=submitted&page=2&v-half_day=2-am", "/appariement/?filters")

    @task(1)
    def plan(self):
        """The day's plan: computed the first time this task comes up, then read. So the
        correspondents compute theirs at moments of their own, mostly in the first minute,
        not all in the same second as a script that starts them together would."""
        if self.plan_url is None:
            board = self.get("/appariement/")
            self.post(board, "/appariement/plans/", {}, "/appariement/plans/ POST")
            self.plan_url = self.last_url
        elif "/appariement/plans/" in self.plan_url:
            self.get(self.plan_url, "/appariement/plans/[pk]/")

    @task(3)
    def survey(self):
        page = self.get("/enquete/")
        self.post(
            page,
            "/enquete/",
            {
                "training_actions": str(random.randint(0, 9)),
                "training_participants": "30",
                "conventions_signed": "2",
                "resources": "Malles de matériel prêtées par la circonscription.",
                "difficulties": "",
                "perspectives": "",
            },
            "/enquete/ POST autosave",
            headers={"X-Autosave": "1"},
        )


class AcademicCorrespondent(PortalUser):
    weight = 5
    role = "academic_correspondent"
    counter = "ac"

    @task(2)
    def surveys(self):
        self.get("/enquete/departements/")

    @task(1)
    def cockpit(self):
        page = self.get("/enquete/departements/")
        for cockpit in self.links(page, r"/enquete/campagnes/\d+/suivi/")[-1:]:
            self.get(cockpit, "/enquete/campagnes/[pk]/suivi/")


class National(PortalUser):
    weight = 5
    role = counter = "national"

    @task(2)
    def cockpit(self):
        page = self.get("/enquete/campagnes/")
        for cockpit in self.links(page, r"/enquete/campagnes/\d+/suivi/")[-1:]:
            self.get(cockpit, "/enquete/campagnes/[pk]/suivi/")

    @task(1)
    def download(self):
        page = self.get("/enquete/bilans/")
        for download in self.links(page, r"/enquete/bilans/\d+/telecharger/")[:1]:
            self.get(download, "/enquete/bilans/[pk]/telecharger/")
