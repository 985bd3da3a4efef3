"""roshan.estimate stage."""
