"""Writers: one per output format. Each takes model objects and returns the file's bytes."""
