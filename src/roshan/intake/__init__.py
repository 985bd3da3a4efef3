"""roshan.intake stage."""
