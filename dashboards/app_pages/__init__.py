"""Streamlit pages (UI only); a package so the import contracts see them."""
