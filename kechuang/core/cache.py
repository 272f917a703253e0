"""Figures derived from the registry, kept across requests, workers and app servers —
and never stale.

Django's cache (`settings.CACHES`, by default a table in the database itself) holds two
kinds of entries:

- **values keyed by everything they are computed from**, e.g. an assessment by the hash
  of its input record, the rule sets' versions and the engine's own source
  (`enterprises.assessment.engine_results`): a change of facts is a new key, so there is
  nothing to invalidate and nothing can be stale;
- **values computed by a query over the registry** (`registry_memo`), e.g. the complete
  reporting year of a scope: stored together with the registry's *generation*. Every
  write to the registry — a save or delete of an enterprise (soft delete and restore
  included), its yearly facts, IP items, certificates, a region (signals connected in
  `enterprises.apps`), and every import or bulk write (they call `registry_changed()`) —
  starts a new generation when its transaction commits, so every entry of an older one is
  ignored from then on, in every process that shares the cache. A transaction that has
  changed the registry and not yet committed reads past the cache: it sees its own rows,
  which nobody else may see yet (it keeps its own memo instead, `_transaction_memo`).

An entry stored by a reader that raced a writer is at worst *newer* than its
generation, never older: a reader takes the generation before it queries, and the
generation moves only after the writer's commit.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import pickle
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router, transaction
from django.utils import timezone

GENERATION_KEY = "kc:registry-generation"
T = TypeVar("T")


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


# Each region has a generation of its own too (`_path_key`), so that a write in one
# county leaves the figures cached for another as they are: a write in a region starts a
# new generation of that region and of every region above it (its county, the city, the
# whole instance, path ""), and a figure cached for a region's scope checks the whole
# registry's generation and its region's. A write whose region is unknown, or a change
# of a region itself, starts a new generation of the whole registry.
def _path_key(path: str) -> str:
    return f"{GENERATION_KEY}:{path}"


def _ancestors(path: str) -> list[str]:
    """ "", "321200/", "321200/321283/", … up to `path` itself (a chain of codes)."""
    parts = [p for p in path.split("/") if p]
    return ["", *("".join(f"{c}/" for c in parts[: i + 1]) for i in range(len(parts)))]


class _Pending:
    """What one transaction changed, published when it commits."""

    def __init__(self) -> None:
        self.everything = False
        self.paths: set[str] = set()

    def __call__(self) -> None:
        _publish(self.everything, self.paths)


def _publish(everything: bool, paths: Iterable[str]) -> None:
    if everything:
        _new_generation()
    keys = {_path_key(a) for path in paths for a in _ancestors(path)}
    if keys:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)


def _pending_state(conn: Any) -> _Pending | None:
    for _sids, func, _robust in conn.run_on_commit:
        if isinstance(func, _Pending):
            return func
    return None


def _pending(conn: Any, callback: Callable[[], None] | None = None) -> bool:
    """Whether `callback` (by default: the registry's new generation) waits for this
    transaction's commit."""
    if callback is None:
        return _pending_state(conn) is not None
    return any(func is callback for _sids, func, _robust in conn.run_on_commit)


def registry_changed(using: str = DEFAULT_DB_ALIAS, paths: Iterable[str] | None = None) -> None:
    """The registry was written in the regions of `paths` (region paths; None: anywhere,
    or a region itself): a new generation of each of them and of the regions above them
    once this transaction commits (at once outside a transaction); published once per
    transaction however many rows it writes."""
    conn = connections[using]
    records_changed(using)
    if not conn.in_atomic_block:
        _publish(paths is None, paths or ())
        return
    state = _pending_state(conn)
    if state is None:
        state = _Pending()
        transaction.on_commit(state, using=using)
    if paths is None:
        state.everything = True
    else:
        state.paths.update(paths)


def registry_dirty(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether this connection's open transaction has changed the registry (and the
    cache therefore cannot answer for it). A rolled-back savepoint takes its pending
    generation with it."""
    conn = connections[using]
    return bool(conn.in_atomic_block and _pending(conn))


def _key(name: str, scope: str) -> str:
    key = f"kc:{name}:{scope}"
    if len(key) > 200 or not key.isprintable() or " " in key:
        key = f"kc:{name}:#" + hashlib.sha256(scope.encode()).hexdigest()
    return key


def _generation(found: dict[str, Any], key: str) -> Any:
    generation = found.get(key)
    if generation is None:  # a new or emptied cache: start a generation
        cache.add(key, uuid.uuid4().hex, None)
        generation = cache.get(key)
    return generation


def registry_memo(name: str, scope: str, compute: Callable[[], T], region_path: str = "") -> T:
    """`compute()` for `scope` (e.g. a region path), from the cache while the registry
    under `region_path` (the region whose records the value is computed from; "": the
    whole registry) has not changed since it was stored."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.in_atomic_block:
        state = _pending_state(conn)
        if state is not None:  # this transaction changed the registry: its own memo
            return _transaction_memo(conn, state, ("registry", name, scope, region_path), compute)
    key = _key(name, scope)
    path_key = _path_key(region_path)
    found = cache.get_many([GENERATION_KEY, path_key, key])
    generation = (_generation(found, GENERATION_KEY), _generation(found, path_key))
    entry = found.get(key)
    if entry is not None and None not in generation and tuple(entry[0]) == generation:
        value: T = entry[1]
        return value
    value = compute()
    if None not in generation:
        cache.set(key, (generation, value))
    return value


# -- any write: the top bar's 待办 count ---------------------------------------------------
#
# The 待办 badge adds up a count of every app's to-do sources (a query each) on every
# page. It is kept per user and day with the generation of *any* write: every model
# saved or deleted (bookkeeping rows excepted, `core.apps.RECORDS_IGNORED`) and every
# registry change start a new one when their transaction commits. A bulk write that
# sends no signal (`QuerySet.update`) is caught by the entry's short lifetime.
RECORDS_KEY = "kc:records-generation"
RECORDS_MEMO_SECONDS = 60


def _new_records_generation() -> None:
    cache.set(RECORDS_KEY, uuid.uuid4().hex, None)


def records_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """A record was written: a new records generation once this transaction commits."""
    note_write()  # (a bulk write the statement counter did not see: COPY)
    conn = connections[using]
    if not conn.in_atomic_block:
        _new_records_generation()
    elif not _pending(conn, _new_records_generation):
        transaction.on_commit(_new_records_generation, using=using)


def records_dirty(using: str = DEFAULT_DB_ALIAS) -> bool:
    conn = connections[using]
    return bool(conn.in_atomic_block and _pending(conn, _new_records_generation))


def _records_pending(conn: Any) -> Any:
    """The entry of this transaction's new records generation in its commit callbacks
    (None: it has not written a record)."""
    for entry in conn.run_on_commit:
        if entry[1] is _new_records_generation:
            return entry
    return None


def records_memo(name: str, scope: str, compute: Callable[[], T]) -> T:
    """`compute()` for `scope` (e.g. a user and a day), from the cache while nothing has
    been written since it was stored, for at most `RECORDS_MEMO_SECONDS`: one cache read
    (one query with the database cache) when it answers."""
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.in_atomic_block:
        pending = _records_pending(conn)
        if pending is not None:  # this transaction wrote a record: its own memo
            return _transaction_memo(conn, pending, ("records", name, scope), compute)
    key = _key(name, scope)
    found = cache.get_many([RECORDS_KEY, key])
    generation = found.get(RECORDS_KEY)
    if generation is None:
        cache.add(RECORDS_KEY, uuid.uuid4().hex, None)
        generation = cache.get(RECORDS_KEY)
    entry = found.get(key)
    if entry is not None and generation is not None and entry[0] == generation:
        value: T = entry[1]
        return value
    value = compute()
    if generation is not None:
        cache.set(key, (generation, value), RECORDS_MEMO_SECONDS)
    return value


# -- inside a transaction that has written ------------------------------------------------
#
# The shared cache cannot answer for a transaction that has written and not committed:
# it reads its own rows, which nobody else sees yet. Such a transaction (a request that
# writes, then renders a page; every test, whose records are written in the test's own
# transaction) keeps a memo of its own instead, on its connection, in this process: an
# entry holds while no statement that may write a record runs on any connection of this
# process, within the same transaction (the pending commit callback that made it dirty,
# held by the entry so that it is never another's), for at most `RECORDS_MEMO_SECONDS`.
# `_count_writes` sees every statement: anything but a SELECT or the creation or release
# of a savepoint counts — an INSERT, UPDATE or DELETE whether or not it sends a signal,
# a rollback to a savepoint, raw SQL — except the writes to the tables no figure is
# computed from (`_unrecorded_tables`: the cache's own, sessions, the logs, as for the
# records generation). A connection opened before the counter was installed (none:
# `CoreConfig.ready` installs it) is never memoised. Values are kept pickled, as the
# shared cache keeps them: a caller that changes what it was given changes its own copy.
_writes = [0]
_WRITES_LOCK = threading.Lock()  # `+= 1` is not atomic: a lost count could revive a memo


def note_write() -> None:
    """A statement that may write a record is about to run, or has run: the memos of
    every transaction of this process are dropped. Called by `_count_writes` for every
    statement Django runs, by `records_changed` (every service's and import's notice),
    and around writes that go past Django's cursor (PostgreSQL's COPY in `core.bulk`)."""
    with _WRITES_LOCK:
        _writes[0] += 1


_READS = ("SELECT", "SAVEPOINT", "RELEASE")
_unrecorded: frozenset[str] | None = None


def _unrecorded_tables() -> frozenset[str]:
    global _unrecorded
    if _unrecorded is None:
        from django.apps import apps
        from django.conf import settings

        from kechuang.core.apps import RECORDS_IGNORED_APPS, RECORDS_IGNORED_MODELS

        tables = {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in RECORDS_IGNORED_APPS
            or model._meta.label_lower in RECORDS_IGNORED_MODELS
        }
        if str(settings.CACHES["default"]["BACKEND"]).endswith("DatabaseCache"):
            tables.add(str(settings.CACHES["default"]["LOCATION"]))
        _unrecorded = frozenset(tables)
    return _unrecorded


def _writes_records(sql: Any) -> bool:
    """Whether a statement may write a row some figure is computed from."""
    if not isinstance(sql, str):
        return True
    words = sql.lstrip()[:200].split(None, 3)
    verb = words[0].upper() if words else ""
    if verb in _READS:
        return False
    if verb == "UPDATE" and len(words) > 1:
        table = words[1]
    elif verb in ("INSERT", "DELETE") and len(words) > 2:
        table = words[2]  # INSERT INTO t …, DELETE FROM t …
    else:
        return True
    return table.strip('"`') not in _unrecorded_tables()


def _count_writes(
    execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any
) -> Any:
    """Counted before the statement runs and again after it (a memo computed meanwhile,
    in another thread, is never kept under the count that follows it)."""
    if (isinstance(sql, str) and sql.startswith("SELECT")) or not _writes_records(sql):
        return execute(sql, params, many, context)
    note_write()
    try:
        return execute(sql, params, many, context)
    finally:
        note_write()


def watch_writes(connection: Any, **_kwargs: Any) -> None:
    """Count the statements that may write on `connection` (`connection_created`)."""
    if _count_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, _count_writes)


def _transaction_memo(conn: Any, token: Any, key: tuple[str, ...], compute: Callable[[], T]) -> T:
    if _count_writes not in conn.execute_wrappers:
        return compute()
    writes = _writes[0]
    memo = conn.__dict__.get("_kc_transaction_memo")
    if memo is None or memo[0] != writes:
        memo = (writes, {})
        conn._kc_transaction_memo = memo
    found = memo[1].get(key)
    now = time.monotonic()
    if found is not None and found[0] is token and now - found[1] < RECORDS_MEMO_SECONDS:
        kept: T = pickle.loads(found[2])
        return kept
    value = compute()
    if _writes[0] == writes:  # computing it wrote nothing
        memo[1][key] = (token, now, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    return value


def create_cache_table(using: str = DEFAULT_DB_ALIAS, **_kwargs: Any) -> None:
    """After every `migrate`: the database cache's table (`settings.CACHES`), so a new
    installation, `make run` and the test databases get it without another command; and
    a new generation, since a release (migrated once, docs/deployment.md) may compute a
    figure differently from the code that stored it."""
    from django.conf import settings
    from django.core.management import call_command

    if str(settings.CACHES["default"]["BACKEND"]).endswith("DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)
    _new_generation()
    _new_records_generation()


def set_many_in_bulk(entries: Mapping[str, Any], timeout: Any = DEFAULT_TIMEOUT) -> None:
    """`cache.set_many(entries, timeout)` in a few statements on the database cache.

    Django's `DatabaseCache` writes one key at a time: a count, a select and an insert or
    update, each key in a savepoint of its own. The assessment results of a county (4,700
    of the demo's) were 14,000 queries and 4,700 savepoints (session 9). Here: one delete
    and one insert per 500 keys, the same rows as Django's (its key, pickling, expiry), and
    Django's own culling past MAX_ENTRIES. The cache is best effort: should another process
    store one of the keys at the same moment (PostgreSQL: a duplicate key), nothing of this
    call is stored and the values are computed again when next needed. Other backends:
    their `set_many`."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not entries:
        return
    if not isinstance(backend, DatabaseCache):
        backend.set_many(dict(entries), timeout)
        return
    seconds = backend.get_backend_timeout(timeout)
    expires = (
        dt.datetime.max
        if seconds is None
        else dt.datetime.fromtimestamp(seconds, tz=dt.UTC if settings.USE_TZ else None)
    ).replace(microsecond=0)
    db = router.db_for_write(backend.cache_model_class)
    connection = connections[db]
    quote = connection.ops.quote_name
    table = quote(backend._table)  # type: ignore[attr-defined]
    stored = connection.ops.adapt_datetimefield_value(expires)
    rows = sorted(  # in key order: two writers of the same keys never wait on each other
        (
            backend.make_and_validate_key(key),
            base64.b64encode(pickle.dumps(value, backend.pickle_protocol)).decode("latin1"),
            stored,
        )
        for key, value in entries.items()
    )
    most = backend._max_entries
    rows = rows[-most:] if len(rows) > most else rows  # no more than the cache holds
    key_column, expires_column = quote("cache_key"), quote("expires")
    try:
        with transaction.atomic(using=db), connection.cursor() as cursor:
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(
                    f"DELETE FROM {table} WHERE {key_column} IN ({marks})",
                    [row[0] for row in chunk],
                )
            _make_room(backend, connection, cursor, table, len(rows))
            cursor.executemany(
                f"INSERT INTO {table} ({key_column}, {quote('value')}, {expires_column}) "
                "VALUES (%s, %s, %s)",
                rows,
            )
    except DatabaseError:
        pass


def _make_room(backend: Any, connection: Any, cursor: Any, table: str, coming: int) -> None:
    """Before `coming` entries are inserted: the expired ones deleted, then, should the
    table still overflow MAX_ENTRIES, the first keys in key order as Django culls them
    (a `CULL_FREQUENCY`th of the table at least, all of it when that is 0)."""
    quote = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
    cursor.execute(f"DELETE FROM {table} WHERE {quote('expires')} < %s", [now])
    cursor.execute(f"SELECT COUNT(*) FROM {table}")
    count = cursor.fetchone()[0]
    excess = count + coming - backend._max_entries
    if excess <= 0:
        return
    frequency = backend._cull_frequency
    cut = count if frequency == 0 else min(count, max(excess, (count + coming) // frequency))
    if cut >= count:
        cursor.execute(f"DELETE FROM {table}")
        return
    cursor.execute(connection.ops.cache_key_culling_sql() % table, [cut])
    first_kept = cursor.fetchone()
    if first_kept:
        cursor.execute(f"DELETE FROM {table} WHERE {quote('cache_key')} < %s", [first_kept[0]])
