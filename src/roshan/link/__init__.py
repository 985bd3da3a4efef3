"""roshan.link stage."""
