"""roshan.web stage."""
