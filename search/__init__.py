"""Query -> dense + keyword retrieval -> fusion -> ranked, cited passages; answers; duplicates."""
