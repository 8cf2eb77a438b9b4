"""Letters on disk -> Letter (metadata + clean body) -> Chunk (section path, text, offsets)."""
