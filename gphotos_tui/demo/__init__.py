"""The demo library: a deterministic synthetic generator and the live demo job."""
