"""Open data releases: published incidents as a signed, versioned Frictionless data package."""
