"""Court-ready evidence bundles: an incident's evidence with the means to show it is unaltered."""
