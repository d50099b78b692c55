"""Renders an orbitmc report.json as a static HTML page with figures (see render_report.py)."""
