"""User-controlled text reaches the pages as text: a crafted ``?departement=`` value or an
account's name cannot become a link, an image or HTML in a message box (CommonMark, as the
browser's renderer reads it, finds no link, image or HTML in what the page sends)."""

from __future__ import annotations

import pytest
from dashboard_app import APP, APP_TIMEOUT
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from accounts import users
from data_contracts.settings import get_settings
from dashboards.ui import md_escape

PHISHING = "[Reconnectez-vous ici](https://evil.example/connexion)"
HOSTILE = (PHISHING, "![x](https://evil.example/pixel.png)", "<img src=x onerror=alert(1)>",
           "**gras** `code` :red[rouge] $x$ &lt;b&gt;", "titre\n===")
_CMARK = MarkdownIt("commonmark")


def markup_tokens(markdown: str) -> set[str]:
    """The kinds of markup a Markdown renderer would build from ``markdown``."""
    kinds = set()
    for block in _CMARK.parse(markdown):
        kinds.add(block.type)
        kinds.update(child.type for child in block.children or ())
    return kinds & {"link_open", "image", "html_inline", "html_block", "strong_open", "em_open",
                    "code_inline", "heading_open"}


def rendered_text(markdown: str) -> str:
    """What a reader sees of ``markdown``: the text of its inline tokens."""
    return "".join(child.content for block in _CMARK.parse(markdown) if block.type == "inline"
                   for child in block.children or () if child.type == "text")


@pytest.mark.parametrize("text", HOSTILE)
def test_md_escape_leaves_no_markup_and_shows_the_text_as_typed(text):
    escaped = md_escape(text)
    assert markup_tokens(escaped) == set()
    assert rendered_text(escaped) == text.replace("\n", "")  # a line break renders as a break


def test_crafted_departement_link_is_shown_as_text_in_the_refusal(signed_in):
    at = signed_in("departement:69", "fiche_departement", query={"departement": PHISHING})
    assert not at.exception
    (refusal,) = at.error
    assert markup_tokens(refusal.value) == set()
    assert f"« {PHISHING[:40]}… »" in rendered_text(refusal.value)  # bounded, as typed


def test_account_name_is_shown_as_text_in_the_sidebar(signed_in):
    users.add_user(get_settings(), "nom-piege", "national", "mot de passe assez long",
                   name=PHISHING, replace=True)
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = "nom-piege"
    at.switch_page("app_pages/qualite.py").run()
    assert not at.exception
    name_line = at.sidebar.markdown[0].value
    assert markup_tokens(name_line) == {"strong_open"}  # the page's own bold, nothing else
    assert PHISHING in rendered_text(name_line)


def test_upload_receipt_shows_a_file_name_without_escape_or_bidi_characters(cipd_home):
    users.add_user(get_settings(), "agent-noms", "departement:69", "mot de passe assez long")
    at = AppTest.from_file(str(APP), default_timeout=APP_TIMEOUT)
    at.session_state["_cipd_login"] = "agent-noms"
    at.switch_page("app_pages/deposer.py").run()
    painting = "x\r\x1b[2K\x1b[32mDépôt ACCEPTÉ.\x1b[0m\u202evsc.csv"
    at.file_uploader[0].set_value((painting, b"departement;semaine\n69;2026-W47\n", "text/csv"))
    next(button for button in at.button if button.label == "Déposer").click()
    at.run(timeout=60)
    assert not at.exception
    (receipt,) = at.code
    assert receipt.value.startswith("Dépôt REFUSÉ")
    assert not set(receipt.value) & {"\x1b", "\r", "\u202e"}
    assert "« xDépôt ACCEPTÉ.vsc.csv »" in receipt.value
