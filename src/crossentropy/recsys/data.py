"""Interaction logs: a seeded synthetic watch-log generator, a CSV loader and a writer.

A log is an :class:`Interactions` record of equal-length columns, one row per watch, in the
order the rows were written (the order breaks timestamp ties in :mod:`.protocol`).
"""

import csv
import dataclasses
import os

import numpy as np

__all__ = ["Interactions", "DataFormatError", "synthetic_watch_log", "load_interactions",
           "write_interactions"]

# Accepted header names (compared case-insensitively) for each column.
COLUMN_ALIASES = {
    "user": ("user", "userid", "user_id"),
    "item": ("item", "itemid", "item_id", "movieid", "movie_id", "video", "video_id"),
    "timestamp": ("timestamp", "time", "ts"),
    "rating": ("rating",),
    "watch_time": ("watch_time", "watchtime"),
}


class DataFormatError(ValueError):
    """A log file that cannot be read; the message names the file and the line."""


@dataclasses.dataclass(frozen=True)
class Interactions:
    """One row per watch: ``user_ids[r]`` watched ``item_ids[r]`` at ``timestamps[r]``.

    Attributes
    ----------
    user_ids, item_ids : ndarray of int64, shape (num_rows,)
        Raw identifiers as in the source (not necessarily contiguous).
    timestamps : ndarray of float64, shape (num_rows,)
        Watch times; a log without timestamps uses the row index.
    ratings, watch_time : ndarray of float64, shape (num_rows,), or None
        Optional columns (the protocol counts every row as a watch, whatever its rating).
    """

    user_ids: np.ndarray
    item_ids: np.ndarray
    timestamps: np.ndarray
    ratings: np.ndarray | None = None
    watch_time: np.ndarray | None = None

    def __len__(self):
        return len(self.user_ids)

    def select(self, mask):
        """The rows where ``mask`` is true (or at the given indices), in their order."""
        pick = lambda a: None if a is None else a[mask]  # noqa: E731
        return Interactions(pick(self.user_ids), pick(self.item_ids), pick(self.timestamps),
                            pick(self.ratings), pick(self.watch_time))


def synthetic_watch_log(num_users=4000, num_items=2000, watches_per_user=25, dim=8,
                        zipf_exponent=1.0, affinity_scale=3.0, seed=0):
    r"""A seeded synthetic watch log with Zipf popularity and latent tastes.

    Item :math:`j` (0 = most popular) has popularity :math:`\pi_j \propto (j + 1)^{-a}`
    (``zipf_exponent`` :math:`a`); users and items have latent factors
    :math:`u, v \sim \mathcal{N}(0, (s^2/d) I)` with ``affinity_scale`` :math:`s`. Each user
    watches ``watches_per_user`` distinct items, each next watch drawn from the softmax over
    the items not watched yet:

    .. math::

        P(\text{next} = j \mid u, \text{seen}) \propto \exp(u \cdot v_j + \log \pi_j),
        \qquad j \notin \text{seen}.

    (Sequential draws without replacement are the Gumbel top-k of the logits, which is how
    they are sampled.) The last watch of a user is therefore a fresh draw from the same
    softmax over the unwatched items: the model a leave-last-out evaluation ranks.

    Parameters
    ----------
    num_users, num_items, watches_per_user, dim : int
    zipf_exponent, affinity_scale : float
    seed : int

    Returns
    -------
    Interactions
        ``num_users * watches_per_user`` rows, user by user in watch order, integer
        timestamps (seconds) increasing within a user, ``watch_time`` in seconds: a
        log-normal whose median grows with the affinity :math:`u \cdot v_j` (for the
        ranking chapter).

    Examples
    --------
    >>> log = synthetic_watch_log(num_users=3, num_items=50, watches_per_user=4, seed=0)
    >>> len(log), log.user_ids.tolist()
    (12, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])
    >>> bool(np.all(np.diff(log.timestamps[:4]) > 0))
    True
    """
    if not 0 < watches_per_user <= num_items:
        raise ValueError(f"watches_per_user must be in [1, num_items={num_items}], "
                         f"got {watches_per_user}")
    rng = np.random.default_rng(seed)
    log_pop = -zipf_exponent * np.log(np.arange(1, num_items + 1))
    log_pop -= np.log(np.exp(log_pop).sum())
    scale = affinity_scale / np.sqrt(dim)
    user_factors = rng.normal(0.0, scale, (num_users, dim))
    item_factors = rng.normal(0.0, scale, (num_items, dim))
    k = watches_per_user
    item_ids = np.empty((num_users, k), dtype=np.int64)
    affinity = np.empty((num_users, k))
    for start in range(0, num_users, 512):
        stop = min(start + 512, num_users)
        logits = user_factors[start:stop] @ item_factors.T
        keys = logits + log_pop + rng.gumbel(size=logits.shape)
        top = np.argpartition(-keys, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(keys, top, axis=1), axis=1, kind="stable")
        top = np.take_along_axis(top, order, axis=1)
        item_ids[start:stop] = top
        affinity[start:stop] = np.take_along_axis(logits, top, axis=1)
    start_time = 1_600_000_000 + rng.integers(0, 86_400 * 365, num_users)
    gaps = rng.integers(60, 7_200, (num_users, k))
    timestamps = start_time[:, None] + np.cumsum(gaps, axis=1)
    watch_time = np.exp(np.log(120.0) + 0.5 * affinity + 0.5 * rng.normal(size=affinity.shape))
    return Interactions(np.repeat(np.arange(num_users, dtype=np.int64), k), item_ids.ravel(),
                        timestamps.ravel().astype(np.float64), None,
                        np.round(watch_time.ravel(), 1))


def _find_columns(header, path):
    names = [h.strip().lower() for h in header]
    found = {}
    for column, aliases in COLUMN_ALIASES.items():
        hits = [i for i, name in enumerate(names) if name in aliases]
        if len(hits) > 1:
            raise DataFormatError(f"{path}, line 1: the header names the {column!r} column "
                                  f"twice ({', '.join(header[i] for i in hits)})")
        if hits:
            found[column] = hits[0]
    for column in ("user", "item"):
        if column not in found:
            raise DataFormatError(
                f"{path}, line 1: the header {','.join(header)!r} has no {column!r} column "
                f"(expected a header such as user,item[,timestamp][,rating]; accepted names: "
                f"{', '.join(COLUMN_ALIASES[column])})")
    return found


def _parse(text, kind, path, line_number, column):
    try:
        value = int(text) if kind == "int" else float(text)
    except ValueError:
        want = "an integer" if kind == "int" else "a number"
        raise DataFormatError(f"{path}, line {line_number}: {column} {text!r} is not "
                              f"{want}") from None
    if kind == "float" and not np.isfinite(value):
        raise DataFormatError(f"{path}, line {line_number}: {column} {text!r} is not finite")
    return value


def load_interactions(path):
    """Read an interaction log from a CSV file with a header line.

    The header names the columns, in any order: ``user`` and ``item`` are required,
    ``timestamp``, ``rating`` and ``watch_time`` optional, other columns are ignored. Names
    are case-insensitive and a few aliases are accepted (``userId``, ``movieId``,
    ``user_id``, ``item_id`` ...), so MovieLens's ``ratings.csv``
    (``userId,movieId,rating,timestamp``) reads as it is. Ids must be integers; timestamp,
    rating and watch time finite numbers. Without a timestamp column the row order is the
    time order.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Interactions

    Raises
    ------
    DataFormatError
        (a ``ValueError``) for a missing or empty file, a header without a user or item
        column, a row with the wrong number of fields or a value that does not parse; the
        message names the file and the 1-based line.
    FileNotFoundError
        if there is no such file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = path.write_text("userId,movieId,rating,timestamp\\n7,31,2.5,100\\n7,10,4.0,90\\n")
    >>> log = load_interactions(path)
    >>> log.user_ids.tolist(), log.item_ids.tolist(), log.timestamps.tolist()
    ([7, 7], [31, 10], [100.0, 90.0])
    >>> _ = path.write_text("userId,movieId\\n7,31\\n7,x\\n")
    >>> try:
    ...     load_interactions(path)
    ... except DataFormatError as error:
    ...     print(str(error).split(", ", 1)[1])
    line 3: item 'x' is not an integer
    """
    path = os.fspath(path)
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            raise DataFormatError(f"{path}, line 1: the file is empty (expected a header "
                                  "such as user,item[,timestamp][,rating])") from None
        except csv.Error as error:
            raise DataFormatError(f"{path}, line 1: {error}") from None
        columns = _find_columns(header, path)
        kinds = {"user": "int", "item": "int", "timestamp": "float", "rating": "float",
                 "watch_time": "float"}
        values = {column: [] for column in columns}
        width = len(header)
        line_number = 1
        try:
            for line_number, row in enumerate(reader, start=2):
                if not row:
                    continue  # a blank line (e.g. a trailing one)
                if len(row) != width:
                    raise DataFormatError(f"{path}, line {line_number}: expected {width} "
                                          f"fields ({','.join(header)}), found {len(row)}")
                for column, index in columns.items():
                    values[column].append(_parse(row[index].strip(), kinds[column], path,
                                                 line_number, column))
        except csv.Error as error:
            raise DataFormatError(f"{path}, line {line_number}: {error}") from None
    if not values["user"]:
        raise DataFormatError(f"{path}, line 2: no interactions after the header")
    num_rows = len(values["user"])
    as_float = lambda c: np.asarray(values[c], np.float64) if c in values else None  # noqa
    timestamps = as_float("timestamp")
    return Interactions(
        np.asarray(values["user"], np.int64), np.asarray(values["item"], np.int64),
        timestamps if timestamps is not None else np.arange(num_rows, dtype=np.float64),
        as_float("rating"), as_float("watch_time"))


def _column(log, name):
    return log.ratings if name == "rating" else getattr(log, name)


def write_interactions(path, log):
    """Write ``log`` as CSV: ``user,item,timestamp`` plus ``rating``/``watch_time`` if present.

    :func:`load_interactions` reads the file back to an equal log.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "synth.csv"
    >>> log = synthetic_watch_log(num_users=2, num_items=10, watches_per_user=3, seed=1)
    >>> write_interactions(path, log)
    >>> path.read_text().splitlines()[0]
    'user,item,timestamp,watch_time'
    >>> bool(np.array_equal(load_interactions(path).item_ids, log.item_ids))
    True
    """
    extra = [name for name in ("rating", "watch_time") if _column(log, name) is not None]
    with open(os.fspath(path), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["user", "item", "timestamp", *extra])
        timestamps = log.timestamps
        integral = bool(np.all(timestamps == np.round(timestamps)))
        stamp = timestamps.astype(np.int64) if integral else timestamps
        columns = [log.user_ids.tolist(), log.item_ids.tolist(), stamp.tolist()]
        columns += [_column(log, name).tolist() for name in extra]
        writer.writerows(zip(*columns))
