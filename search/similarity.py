"""Letter-level vectors and passage alignment: the similarity layer under ``dafu dupes`` and "相似来信".

All reply letters share one genre (公文 phrasing, 答复如下, 感谢关心...), which squeezes raw e5 cosines of
*any* two letters into 0.87-0.96. Before comparing, every vector is therefore centred on a fixed
background (the mean embedding of short generic reply-letter passages on 24 diverse topics, embedded
once per model with the index's own encoder and cached on disk) and renormalised: same-topic and
different-topic letter pairs then separate far better (AUC 0.96 vs 0.91 on the seed + dev letters) and
scores do not depend on what else is indexed.

A letter's vector is the normalised weighted mean of its centred chunk vectors (the first chunks, which
carry the heading and the proposal's own wording, weigh more); it is computed once per index generation
from the stored chunk vectors, never by embedding a whole letter (e5 truncates at 512 tokens).
"""
from __future__ import annotations

import hashlib
import json
import weakref
from dataclasses import dataclass, field

import faiss
import numpy as np
from scipy import sparse

FIRST_BOOST = 1.0  # chunk i of a letter weighs 1 + FIRST_BOOST / (1 + i): first 2.0, second 1.5, ...

BACKGROUND = (  # generic reply-letter passages on unrelated topics: the genre direction to centre away
    ("关于加强中小学校园安全管理的建议的答复", "近年来，我局联合公安、消防等部门开展校园周边环境综合治理，落实学校安保人员配备和一键报警系统建设，继续完善校园安全长效机制。"),
    ("关于扩大普惠性学前教育资源的提案的答复", "我县通过新建、改扩建公办幼儿园，扶持普惠性民办园等方式，不断扩大普惠性学前教育资源供给，公办园在园幼儿占比逐年提高。"),
    ("关于优化城区公交线路的建议的答复", "我局结合城市发展和群众出行需求，对公交线网进行了优化调整，新开和延伸公交线路，加密高峰时段发车班次，方便市民出行。"),
    ("关于推进生活垃圾分类工作的提案的答复", "我市持续推进生活垃圾分类，完善分类投放、分类收集、分类运输、分类处理体系，建设餐厨垃圾处理设施，开展垃圾分类宣传进社区活动。"),
    ("关于提高城乡居民医保待遇的建议的答复", "我局不断完善城乡居民基本医疗保险制度，提高住院费用报销比例，推进异地就医直接结算，切实减轻参保群众医疗费用负担。"),
    ("关于加强乡镇卫生院建设的建议的答复", "我委加大对乡镇卫生院基础设施建设投入，配备必要的医疗设备，加强基层卫生人才队伍建设，提升基层医疗服务能力。"),
    ("关于发展居家社区养老服务的提案的答复", "我局建设街道综合养老服务中心和社区养老服务站，开展老年助餐服务，推进医养结合，满足老年人多样化养老需求。"),
    ("关于推进农村人居环境整治的建议的答复", "我局扎实推进农村厕所革命、生活污水治理和村庄清洁行动，建立农村人居环境长效管护机制，村容村貌明显改善。"),
    ("关于支持农业产业发展的建议的答复", "我局积极培育特色农业产业，支持新型农业经营主体发展，推进农产品加工和品牌建设，促进农民增收。"),
    ("关于加快老旧小区改造的提案的答复", "我局有序推进城镇老旧小区改造，完善小区水电气路等基础设施，加装电梯，改善居民居住条件。"),
    ("关于加强高校毕业生就业服务的建议的答复", "我局落实就业优先政策，开展高校毕业生就业服务专项行动，提供岗位信息、职业指导和就业见习，帮助毕业生尽快就业。"),
    ("关于推动文化旅游融合发展的提案的答复", "我市深入挖掘历史文化资源，打造文旅精品线路，加强旅游基础设施建设，推动文化和旅游深度融合发展。"),
    ("关于加强河道生态保护的建议的答复", "我局全面落实河长制，开展河道清淤疏浚和水环境综合治理，加强水源地保护，河流水质持续改善。"),
    ("关于加强安全生产监管的提案的答复", "我局深入开展安全生产专项整治，加强重点行业领域执法检查，压实企业主体责任，防范化解重大安全风险。"),
    ("关于规划建设城区停车场的建议的答复", "我局结合城市更新，科学规划建设公共停车场，推进智慧停车系统建设，规范道路停车秩序，缓解停车难问题。"),
    ("关于推进数字政府建设的提案的答复", "我市加快推进政务数据共享和一网通办，优化政务服务流程，提升网上办事便利度。"),
    ("关于优化营商环境的建议的答复", "我局持续深化放管服改革，压缩企业开办时间，落实减税降费政策，为市场主体提供优质高效服务。"),
    ("关于加强食品安全监管的提案的答复", "我局加强食品生产经营日常监督检查和抽检监测，严厉打击食品安全违法行为，保障群众饮食安全。"),
    ("关于完善社会救助体系的建议的答复", "我局健全分层分类社会救助体系，落实最低生活保障和特困人员救助供养政策，加强困难群众基本生活保障。"),
    ("关于加强全民健身设施建设的提案的答复", "我县加快建设体育公园、健身步道和社区健身设施，广泛开展全民健身活动，满足群众健身需求。"),
    ("关于加强农村饮水安全保障的建议的答复", "我局实施农村供水保障工程，推进城乡供水一体化，加强水质检测，保障农村群众饮水安全。"),
    ("关于加强消防安全基础设施建设的提案的答复", "我局推进消防站和市政消火栓建设，开展消防安全宣传培训，提升火灾防控能力。"),
    ("关于加强中小学教师队伍建设的建议的答复", "我局通过公开招聘、特岗计划等补充教师，加强教师培训，落实乡村教师生活补助，稳定教师队伍。"),
    ("关于推进乡村道路建设的建议的答复", "我局实施农村公路提质改造和安全生命防护工程，推进城乡交通运输一体化，方便群众出行。"),
)


@dataclass(eq=False)
class LetterSpace:
    """Letter ids, their letter vectors and their chunk rows over one set of stored chunk vectors, all
    compared after centring on ``background`` (no centred copy of the chunk vectors is kept)."""

    ids: list[str]
    chunk_rows: list[np.ndarray]        # per letter, its rows in ``chunk_vectors`` in chunk order
    chunk_vectors: np.ndarray           # N x d as stored (L2-normalised)
    chunk_text: list[str]               # per chunk row, the passage as stored
    background: np.ndarray | None = None
    vectors: np.ndarray = field(init=False)     # L x d letter vectors, centred and normalised
    position: dict[str, int] = field(init=False)
    _index: faiss.Index | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        dim = self.chunk_vectors.shape[1]
        self.background = np.zeros(dim, np.float32) if self.background is None else \
            np.asarray(self.background, np.float32)
        self.position = {lid: i for i, lid in enumerate(self.ids)}
        # |v - mu| of every stored chunk vector without materialising v - mu
        sq = 1.0 - 2.0 * (self.chunk_vectors @ self.background) + float(self.background @ self.background)
        self._chunk_norm = np.sqrt(np.maximum(sq, 1e-12)).astype(np.float32)
        self.vectors = self._letter_vectors()

    def _letter_vectors(self) -> np.ndarray:
        """Normalised weighted means of each letter's centred chunk vectors, as one sparse product."""
        n_letters, dim = len(self.chunk_rows), self.chunk_vectors.shape[1]
        if n_letters == 0:
            return np.zeros((0, dim), np.float32)
        lengths = np.fromiter((len(r) for r in self.chunk_rows), np.int64, n_letters)
        cols = np.concatenate(self.chunk_rows).astype(np.int64) if lengths.sum() else np.zeros(0, np.int64)
        owner = np.repeat(np.arange(n_letters), lengths)
        ordinal = np.arange(len(cols)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        weights = (1.0 + FIRST_BOOST / (1.0 + ordinal)) / self._chunk_norm[cols]
        mix = sparse.csr_matrix((weights.astype(np.float32), (owner, cols)),
                                shape=(n_letters, len(self.chunk_vectors)))
        summed = np.asarray(mix @ self.chunk_vectors, np.float32)
        summed -= np.asarray(mix.sum(axis=1), np.float32) * self.background
        return normalise(summed)

    def centre(self, vectors: np.ndarray) -> np.ndarray:
        """Vectors of the same model (e.g. a draft's passages) centred and renormalised like the index's."""
        return normalise(np.asarray(vectors, np.float32) - self.background)

    def mean_vector(self, centred: np.ndarray) -> np.ndarray:
        """A letter vector (1 x d) from a text's centred passage vectors, weighted like the letters'."""
        weights = 1.0 + FIRST_BOOST / (1.0 + np.arange(len(centred), dtype=np.float32))
        return normalise(weights @ centred)

    @property
    def index(self) -> faiss.Index:
        """Exact inner-product FAISS index over the letter vectors (built on first use)."""
        if self._index is None:
            self._index = faiss.IndexFlatIP(self.vectors.shape[1])
            if len(self.ids):
                self._index.add(self.vectors)
        return self._index

    def neighbours(self, k: int, queries: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, positions) of the ``k`` nearest letters to each query (default: each letter itself)."""
        queries = self.vectors if queries is None else np.ascontiguousarray(queries, np.float32)
        k = min(k, len(self.ids))
        if k == 0:
            return np.zeros((len(queries), 0), np.float32), np.zeros((len(queries), 0), np.int64)
        return self.index.search(queries, k)

    def passage_vectors(self, position: int) -> np.ndarray:
        """A letter's centred chunk vectors, in chunk order."""
        return self.centred_rows(self.chunk_rows[position])

    def centred_rows(self, rows: np.ndarray) -> np.ndarray:
        """Centred, renormalised chunk vectors of the given rows."""
        return (self.chunk_vectors[rows] - self.background) / self._chunk_norm[rows, None]

    def passage_texts(self, position: int) -> list[str]:
        return [self.chunk_text[r] for r in self.chunk_rows[position]]

    def text(self, position: int) -> str:
        return "\n".join(self.passage_texts(position))


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.atleast_2d(np.asarray(vectors, np.float32))
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.where(norms > 0, norms, 1.0), np.float32)


def background_vector(searcher) -> np.ndarray:
    """The mean embedding of ``BACKGROUND`` with the index's model, cached in the model cache directory."""
    from ..corpus.normalize import normalize_for_index
    from ..index.backend import cache_dir

    identity = json.dumps(searcher.manifest.get("model", {}), sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256((identity + json.dumps(BACKGROUND, ensure_ascii=False)).encode()).hexdigest()[:16]
    path = cache_dir() / f"dupes-background-{key}.npy"
    try:
        mean = np.load(path)
        if mean.shape == (searcher.index.dim,):
            return mean.astype(np.float32)
    except (OSError, ValueError):
        pass
    texts = [normalize_for_index(f"{title}\n{text}") for title, text in BACKGROUND]
    mean = np.asarray(searcher.embed_passages(texts), np.float32).mean(axis=0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".tmp{id(mean)}.npy")
        np.save(tmp, mean)
        tmp.replace(path)
    except OSError:
        pass
    return mean


_SPACES: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def letter_space(searcher) -> LetterSpace:
    """The letter space of a ``Searcher``'s index generation, computed once and cached with the searcher."""
    space = _SPACES.get(searcher)
    if space is None:
        index = searcher.index
        ids = index.letter_ids()
        by_letter = index.rows_by_letter()
        rows = [np.asarray(by_letter.get(lid, []), np.int64) for lid in ids]
        background = background_vector(searcher) if index.chunk_count() else None
        space = LetterSpace(ids, rows, index.vectors(), index.chunk_texts(), background)
        _SPACES[searcher] = space
    return space


def letter_card(searcher, letter_id: str, score: float) -> dict:
    row = searcher.by_id.get(letter_id, {})
    return {"letter_id": letter_id, "score": round(float(score), 4), "title": row.get("title"),
            "agency": row.get("agency"), "date": row.get("date")}


def similar_letters(searcher, letter_id: str, k: int = 5) -> list[dict]:
    """The ``k`` letters closest to ``letter_id`` by letter vector: ``[{"letter_id", "score", "title",
    "agency", "date"}]``, best first (the letter itself excluded; unknown id: empty list)."""
    if letter_id not in searcher.by_id or k <= 0:
        return []
    space = letter_space(searcher)
    scores, found = space.neighbours(k + 1, space.vectors[space.position[letter_id]][None, :])
    out = [letter_card(searcher, space.ids[p], s) for s, p in zip(scores[0], found[0])
           if p >= 0 and space.ids[p] != letter_id]
    return out[:k]


def align_passages(a_vectors: np.ndarray, a_texts: list[str], b_vectors: np.ndarray, b_texts: list[str],
                   top: int = 3, floor: float = -1.0) -> list[dict]:
    """Best-matching passage pairs of two texts, side by side: greedy on the chunk cosine matrix (take the
    highest cell, drop its row and column, repeat), at most ``top`` pairs scoring at least ``floor``."""
    if not len(a_vectors) or not len(b_vectors):
        return []
    sims = np.asarray(a_vectors, np.float32) @ np.asarray(b_vectors, np.float32).T
    work = sims.copy()
    pairs = []
    for _ in range(min(top, *work.shape)):
        i, j = np.unravel_index(int(np.argmax(work)), work.shape)
        if not np.isfinite(work[i, j]) or work[i, j] < floor:
            break
        pairs.append({"a_text": a_texts[i], "b_text": b_texts[j], "score": round(float(sims[i, j]), 4),
                      "a_index": int(i), "b_index": int(j)})
        work[i, :] = -np.inf
        work[:, j] = -np.inf
    return pairs


def coverage(a_vectors: np.ndarray, b_vectors: np.ndarray) -> tuple[float, float]:
    """How well each side's passages are matched by the other's: (mean over a of its best cosine in b,
    mean over b of its best cosine in a)."""
    if not len(a_vectors) or not len(b_vectors):
        return 0.0, 0.0
    sims = np.asarray(a_vectors, np.float32) @ np.asarray(b_vectors, np.float32).T
    return float(sims.max(axis=1).mean()), float(sims.max(axis=0).mean())
