"""roshan.store stage."""
