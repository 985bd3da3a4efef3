"""roshan.normalize stage."""
