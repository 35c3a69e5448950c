"""House rules checked over the whole code base: CSP, no inline script or style, translations."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_every_page_sends_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "style-src 'self';" in policy
    assert "unsafe-inline" not in policy


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_no_inline_script_or_style(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"<style\b", text), "inline <style>"
    assert not re.search(r"\sstyle=", text), "style attribute"
    assert not re.search(r"\son[a-z]+=", text), "inline event handler"


def test_the_chinese_catalogue_is_complete_and_compiled():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert (untranslated, fuzzy) == ([], [])
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    assert {(e.msgid, e.msgstr) for e in compiled if not e.msgid_plural} == {
        (e.msgid, e.msgstr) for e in catalogue.translated_entries() if not e.msgid_plural
    }


def test_every_translatable_string_is_in_the_catalogue(tmp_path):
    """Fails when code gained a user-visible string that `make messages` has not catalogued."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (Debian package gettext) is not installed")
    for folder in ("ecozone", "templates", "config"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("tests", "__pycache__")
        )
    (tmp_path / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"]},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = {
        e.msgid for e in polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))
    }
    catalogued = {e.msgid for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    assert sorted(extracted - catalogued) == []


@pytest.mark.django_db
def test_chinese_by_default_whatever_the_browser_and_english_on_request(client):
    from ecozone.demo.services import load_roster

    load_roster()
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "覆盖率 96.0%（共 101 个市县）" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "coverage 96.0% of 101 cities and counties" in page
    assert client.get("/").headers["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_openapi_document_and_the_offline_docs_page(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/v1/coverage",
        "/api/v1/ratings/simulate",
        "/api/v1/reports/{pk}/values",
        "/api/v1/applications/{pk}/transitions",
        "/api/v1/showcase/map",
    } <= paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    # Every script and style is served from here (no CDN). The page also holds a random CSRF
    # token, so a bare substring test on the whole page could match by chance.
    html = docs.content.decode()
    assert re.findall(r'(?:src|href)="([^"]*)"', html)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
