"""The installation itself: setting it up (`init`, `demo`), its reference data, its backup."""
