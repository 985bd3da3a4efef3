"""roshan.simulate stage."""
