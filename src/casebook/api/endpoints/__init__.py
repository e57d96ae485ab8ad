"""One module per resource of /api/v1/, each a ninja Router (thin: it calls the services)."""
