"""Rendering: text tables, JSON and (later) HTML and workbooks. Formatting only, no arithmetic."""
