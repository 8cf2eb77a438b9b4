"""The two records the corpus layer produces: a parsed Letter and its section Chunks."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Metadata:
    """What a letter says about itself; None where it does not say."""

    title: str | None = None
    doc_number: str | None = None
    category: str | None = None
    session: str | None = None
    proposal_number: str | None = None
    addressee: str | None = None
    agency: str | None = None
    date: str | None = None
    region: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class Letter(Metadata):
    """A reply letter: its metadata and its clean body."""

    id: str
    source: str
    body: str
    content_hash: str = ""

    METADATA = ("title", "doc_number", "category", "session", "proposal_number",
                "addressee", "agency", "date", "region")

    def metadata(self) -> dict:
        """The contract's metadata fields plus id and source."""
        return {"id": self.id, **{k: getattr(self, k) for k in self.METADATA}, "source": self.source}

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Chunk:
    """A passage of a letter's body: its heading path and its character offsets in ``Letter.body``."""

    letter_id: str
    ordinal: int
    section: str
    text: str
    start: int
    end: int

    def to_dict(self) -> dict:
        return asdict(self)
