"""roshan.report stage."""
