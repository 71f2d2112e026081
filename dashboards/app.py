"""Router of the dashboards (``streamlit run dashboards/app.py``): sign-in, the pages the
signed-in role may open, shared sidebar, then the selected page.

A page a role may not open is not registered at all, so it cannot be reached by URL either.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

# ``streamlit run`` puts this folder, not the repository, on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accounts.roles import Role  # noqa: E402
from dashboards import auth, queries, small_counts, ui  # noqa: E402

PAGES_DIR = Path(__file__).parent / "app_pages"


def pages_for(role: Role) -> list[st.Page]:
    """The pages a role may open, in menu order."""
    def page(name: str, title: str, icon: str, **kwargs) -> st.Page:
        return st.Page(PAGES_DIR / f"{name}.py", title=title, icon=icon, url_path=name, **kwargs)

    pages = [
        page("vue_nationale", "Vue nationale", ":material/map:", default=True),
        page("remontees", "Remontées", ":material/fact_check:"),
        page("fiche_departement", "Fiche département", ":material/location_city:"),
        page("suivis_actions", "Suivis et actions", ":material/diversity_3:"),
        page("bonnes_pratiques", "Bonnes pratiques", ":material/lightbulb:"),
    ]
    if role.is_departement:
        pages.append(page("deposer", "Déposer un rapport", ":material/upload_file:"))
    if role.is_national:
        pages.append(page("qualite", "Qualité des données", ":material/rule:"))
    return pages


def sign_in_pages() -> list[st.Page]:
    """Signed out, every page's address shows the sign-in form (not Streamlit's English « Page
    not found »), so a shared link such as ``/fiche_departement?departement=01`` keeps its
    address and query; once signed in, the rerun opens the page it names (if the role may)."""
    def sign_in(url_path: str, default: bool = False) -> st.Page:
        return st.Page(auth.sign_in_page, title="Connexion", url_path=url_path, default=default)

    names = sorted(p.stem for p in PAGES_DIR.glob("*.py") if not p.stem.startswith("_"))
    return [sign_in("connexion", default=True), *(sign_in(name) for name in names)]


def sidebar(account) -> None:
    with st.sidebar:
        st.markdown(f"**{ui.md_escape(account.name)}**  \n{account.role.label}")
        st.caption(ui.freshness_line())
        if note := small_counts.note(account.role):
            st.caption(note)
        st.button("Se déconnecter", on_click=auth.sign_out, icon=":material/logout:")


def review_banner(role: Role) -> None:
    """A préfecture sees its open correction requests on every page it opens (issue 17)."""
    if not role.is_departement or queries.serving_file() is None:
        return
    count = queries.open_review_request_count(role)
    if count:
        st.warning(f"{count} demande{'s' if count > 1 else ''} de correction ouverte"
                   f"{'s' if count > 1 else ''} sur vos rapports : déposez une version corrigée "
                   "(page « Déposer un rapport ») ou confirmez le chiffre auprès de SG-CIPD.",
                   icon=":material/rate_review:")


def main() -> None:
    st.set_page_config(page_title="CIPD – pilotage national", page_icon=":material/shield:",
                       layout="wide")
    ui.french_widgets()
    account = auth.resolve_session()
    if account is None:
        st.navigation(sign_in_pages(), position="hidden").run()
        return
    navigation = st.navigation(pages_for(account.role))
    sidebar(account)
    review_banner(account.role)
    navigation.run()


main()
