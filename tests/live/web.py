"""A user over HTTP, as a browser would be: the login form, the CSRF token, the page's own forms
(read from its HTML, with the values it shows, so a field added to a form is posted too), the
grid's JSON; and a program with an API token. Any 5xx fails the walk where it happened."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser

import httpx

from tests.deploy.server import DEMO_PASSWORD, csrf_token


def _no_server_errors(response: httpx.Response) -> None:
    if response.status_code >= 500:
        response.read()
        raise AssertionError(
            f"{response.request.method} {response.request.url.path} answered {response.status_code}: {response.text[:800]}"
        )


def _hooks():
    return {"response": [_no_server_errors]}


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # every control's name, checked or not

    def data(self, overrides: dict | None = None) -> list[tuple[str, str]]:
        """The form as the page shows it, with `overrides` (name: value, a list for many, None to leave out)."""
        overrides = overrides or {}
        kept = [(n, v) for n, v in self.fields if n not in overrides]
        for name, value in overrides.items():
            if value is None:
                continue
            for item in value if isinstance(value, list | tuple) else [value]:
                kept.append((name, str(item)))
        return kept


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: tuple[str, list[tuple[str, bool]], bool] | None = None
        self._option: list | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(), a.get("enctype", ""))
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            self._input(name, a)
        elif tag == "select" and name:
            self._form.names.add(name)
            self._select = (name, [], "multiple" in a)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and name:
            self._form.names.add(name)
            self._textarea = [name, ""]

    def _input(self, name, a):
        kind = a.get("type", "text").lower()
        self._form.names.add(name)
        if kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio") and "checked" not in a:
            return
        self._form.fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, selected, text = self._option
            self._select[1].append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options, multiple = self._select
            chosen = [v for v, selected in options if selected] or ([] if multiple else [v for v, _ in options[:1]])
            self._form.fields.extend((name, v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._form.fields.append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


class User:
    """A person logged in through the login form; every POST carries the CSRF token."""

    def __init__(self, base: str, username: str):
        self.username = username
        self.http = httpx.Client(base_url=base, timeout=60, event_hooks=_hooks())
        page = self.http.get("/accounts/login/")
        answer = self.http.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": csrf_token(page.text), "username": username, "password": DEMO_PASSWORD},
        )
        assert answer.status_code == 302 and answer.headers["location"] == "/", f"{username}: {answer.text[:300]}"

    def page(self, path: str, status: int = 200, **params) -> str:
        response = self.http.get(path, params=params or None)
        assert response.status_code == status, f"GET {path}: {response.status_code} {response.text[:500]}"
        return response.text

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, data=None, files=None, status: int = 302) -> httpx.Response:
        """A form post with the CSRF token; the answer's status checked (a redirect after a step)."""
        if isinstance(data, dict) or data is None:
            data = list((data or {}).items())
        fields: dict[str, list[str]] = {"csrfmiddlewaretoken": [self.http.cookies["csrftoken"]]}
        for name, value in data:
            fields.setdefault(name, []).append(str(value))
        response = self.http.post(path, data=fields, files=files)
        assert response.status_code == status, f"POST {path}: {response.status_code} {_message(response.text)}"
        return response

    def step(self, path: str, data=None, files=None) -> str:
        """A step's post and the page it leads to, whose messages say what happened."""
        response = self.post(path, data, files)
        return self.page(response.headers["location"])

    def json(self, path: str, payload: dict, status: int = 200) -> dict:
        response = self.http.post(path, json=payload, headers={"X-CSRFToken": self.http.cookies["csrftoken"]})
        assert response.status_code == status, f"POST {path}: {response.status_code} {response.text[:500]}"
        return response.json()

    def form(self, page: str, action: str, html: str | None = None) -> Form:
        """The form of `page` that posts to a URL containing `action`."""
        html = html if html is not None else self.page(page)
        found = [f for f in forms_in(html) if action in f.action]
        assert found, f"no form to {action} on {page}: {[f.action for f in forms_in(html)]}"
        return found[0]

    def submit(self, page: str, action: str, overrides: dict | None = None, *, files=None) -> str:
        """Fill in a form of `page` as shown, change `overrides`, post it; the page it leads to."""
        form = self.form(page, action)
        unknown = {n for n in overrides or {} if n not in form.names}
        assert not unknown, f"the form to {action} has no field {sorted(unknown)}"
        return self.step(form.action or page, form.data(overrides), files)

    def token(self) -> Program:
        """A token made on the user's 接口令牌 page (shown once), for a program."""
        response = self.post("/account/api-tokens/", {"name": f"{self.username} 的预算系统"}, status=200)
        match = re.search(r'id="new-token">.*?<code>([^<]+)</code>', response.text, re.S)
        assert match, response.text[:500]
        return Program(str(self.http.base_url), unescape(match.group(1)))

    def wait_for_job(self, path: str, seconds: float = 90) -> dict:
        """An export job's JSON progress until it is done or failed."""
        deadline = time.monotonic() + seconds
        while True:
            job = self.http.get(path, params={"format": "json"}).json()
            if job["status"] in ("done", "failed", "expired"):
                return job
            assert time.monotonic() < deadline, f"{path} still {job}"
            time.sleep(0.2)


class Program:
    """A program with the user's API token."""

    def __init__(self, base: str, token: str):
        self.http = httpx.Client(
            base_url=base, timeout=60, headers={"Authorization": f"Token {token}"}, event_hooks=_hooks()
        )

    def call(self, method: str, path: str, payload: dict | None = None, status: int = 200) -> dict:
        response = self.http.request(method, path, json=payload)
        assert response.status_code == status, f"{method} {path}: {response.status_code} {response.text[:500]}"
        return response.json() if response.content else {}


def messages_of(html: str) -> list[str]:
    """The page's flash messages (what the product told the user after a step)."""
    box = re.search(r'<ul class="messages">(.*?)</ul>', html, re.S)
    items = re.findall(r"<li[^>]*>(.*?)</li>", box.group(1), re.S) if box else []
    return [re.sub(r"<[^>]+>|\s+", " ", unescape(m)).strip() for m in items]


def _message(html: str) -> str:
    found = messages_of(html)
    return "; ".join(found) if found else html[:300]
