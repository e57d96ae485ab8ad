"""Framework-free helpers (text, numbers, dates). Imports no Django app."""
