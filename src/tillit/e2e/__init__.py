"""Tillit in a real browser: end-to-end flows and accessibility checks (tests/), and the gallery
of screenshots for the README (`make screenshots`)."""
