"""The hub's Streamlit dashboards: read-only views of the published marts, scoped by role."""
