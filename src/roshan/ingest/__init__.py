"""roshan.ingest stage."""
