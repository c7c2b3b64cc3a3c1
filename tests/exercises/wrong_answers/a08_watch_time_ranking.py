"""Typical wrong answers of a08_watch_time_ranking (format: see a01_entropy.py)."""

_LOSS = '''
def weighted_bce_watch_time(logits, clicked, watch_time, reduction="mean"):
    z = @@ASARRAY@@
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(float)
    y = np.asarray(clicked).astype(bool)
    t = np.asarray(watch_time)
    @@CHECK@@
    weight = (@@WEIGHT@@).astype(z.dtype)
    @@TERMS@@
    if reduction == "none":
        return losses
    if reduction == "sum":
        return np.sum(losses)
    return @@MEAN@@
'''
_GOOD_LOSS = {
    "@@ASARRAY@@": "np.asarray(logits)",
    "@@CHECK@@": "if not (z.shape == y.shape == t.shape):\n"
                 "        raise ValueError('shapes differ')",
    "@@WEIGHT@@": "np.where(y, t, 1)",
    "@@TERMS@@": "softplus = np.log1p(np.exp(-np.abs(z)))\n"
                 "    losses = weight * np.where(y, np.maximum(-z, 0) + softplus, "
                 "np.maximum(z, 0) + softplus)",
    "@@MEAN@@": "np.mean(losses)",
}


def _loss(**changes):
    source = _LOSS
    for key, value in {**_GOOD_LOSS, **changes}.items():
        source = source.replace(key, value)
    return source


_GRAD = '''
def weighted_bce_watch_time_grad(logits, clicked, watch_time, reduction="mean"):
    z = np.asarray(logits)
    if not np.issubdtype(z.dtype, np.floating):
        z = z.astype(float)
    y = np.asarray(clicked).astype(bool)
    weight = (@@WEIGHT@@).astype(z.dtype)
    @@SIGMA@@
    grad = @@GRAD@@
    return @@SCALE@@
'''
_GOOD_GRAD = {
    "@@WEIGHT@@": "np.where(y, np.asarray(watch_time), 1)",
    "@@SIGMA@@": "e = np.exp(-np.abs(z))\n"
                 "    sigma = np.where(z >= 0, 1 / (1 + e), e / (1 + e))",
    "@@GRAD@@": "weight * (sigma - y)",
    "@@SCALE@@": "grad / z.size if reduction == 'mean' else grad",
}


def _grad(**changes):
    source = _GRAD
    for key, value in {**_GOOD_GRAD, **changes}.items():
        source = source.replace(key, value)
    return source


_ODDS = '''
def fit_intercept_only_odds(clicked, watch_time):
    y = np.asarray(clicked).astype(bool)
    t = np.asarray(watch_time, dtype=float)
    total = float(np.sum(@@TIMES@@))
    negatives = int(y.size - np.count_nonzero(y))
    @@GUARD@@
    return @@ODDS@@
'''
_GOOD_ODDS = {
    "@@TIMES@@": "np.where(y, t, 0.0)",
    "@@GUARD@@": "if negatives == 0:\n"
                 "        return float('inf') if total > 0 else float('nan')",
    "@@ODDS@@": "total / negatives",
}


def _odds(**changes):
    source = _ODDS
    for key, value in {**_GOOD_ODDS, **changes}.items():
        source = source.replace(key, value)
    return source


_PAIRWISE = '''
def weighted_per_user_pairwise_loss(scores, clicked, watch_time, user_ids, page_ids=None):
    s = np.asarray(scores, dtype=float)
    y = np.asarray(clicked).astype(bool)
    t = np.asarray(watch_time, dtype=float)
    users = @@USERS@@
    pages = @@PAGES@@
    keys = list(zip(users.tolist(), pages.tolist()))
    groups = {}
    for row, key in enumerate(keys):
        groups.setdefault(key, []).append(row)
    lost = total = 0.0
    for rows in groups.values():
        rows = np.array(rows)
        pos, neg = rows[y[rows]], rows[~y[rows]]
        if pos.size == 0 or neg.size == 0:
            continue
        above = (s[neg][None, :] @@ABOVE@@ s[pos][:, None]).sum(axis=1)
        tied = (s[neg][None, :] == s[pos][:, None]).sum(axis=1)
        lost += @@LOST@@
        total += @@TOTAL@@
    return lost / total if total > 0 else float("nan")
'''
_GOOD_PAIRWISE = {
    "@@USERS@@": "np.asarray(user_ids)",
    "@@PAGES@@": "np.zeros_like(users) if page_ids is None else np.asarray(page_ids)",
    "@@ABOVE@@": ">",
    "@@LOST@@": "np.sum(t[pos] * (above + 0.5 * tied))",
    "@@TOTAL@@": "np.sum(t[pos]) * neg.size",
}


def _pairwise(**changes):
    source = _PAIRWISE
    for key, value in {**_GOOD_PAIRWISE, **changes}.items():
        source = source.replace(key, value)
    return source


LOSS = "test_weighted_bce_watch_time"
GRAD = "test_weighted_bce_watch_time_grad"
ODDS = "test_fit_intercept_only_odds"
PAIRWISE = "test_weighted_per_user_pairwise_loss"

WRONG = [
    dict(function="weighted_bce_watch_time", mistake="no watch-time weights",
         fails={LOSS, f"{LOSS}-reduction", f"{LOSS}-stability"}, message="weights are missing",
         source=_loss(**{"@@WEIGHT@@": "np.ones(z.shape)"})),
    dict(function="weighted_bce_watch_time", mistake="negatives weighted by their watch time",
         fails={LOSS, f"{LOSS}-reduction", f"{LOSS}-stability"}, message="must have weight 1",
         source=_loss(**{"@@WEIGHT@@": "t"})),
    dict(function="weighted_bce_watch_time", mistake="T + 1 - y assumes T = 0 on negatives",
         fails={LOSS, f"{LOSS}-reduction"}, message="carry watch times",
         source=_loss(**{"@@WEIGHT@@": "t + (1 - y)"})),
    dict(function="weighted_bce_watch_time", mistake="mean divided by the sum of the weights",
         fails={LOSS, f"{LOSS}-stability"}, message="divided by the sum of the weights",
         source=_loss(**{"@@MEAN@@": "np.sum(losses) / np.sum(weight)"})),
    dict(function="weighted_bce_watch_time", mistake="log of the sigmoid",
         fails={f"{LOSS}-stability"}, message="overflowed",
         source=_loss(**{"@@TERMS@@": "p = 1 / (1 + np.exp(-z))\n"
                                      "    losses = weight * -(y * np.log(p) + (1 - y) * "
                                      "np.log(1 - p))"})),
    dict(function="weighted_bce_watch_time", mistake="upcasts float32",
         fails={f"{LOSS}-stability"}, message="keep the input's dtype",
         source=_loss(**{"@@ASARRAY@@": "np.asarray(logits, dtype=float)"})),
    dict(function="weighted_bce_watch_time", mistake="no shape check", fails={f"{LOSS}-shapes"},
         message="expected ValueError", source=_loss(**{"@@CHECK@@": "pass"})),
    dict(function="weighted_bce_watch_time_grad", mistake="flipped sign: y - sigma",
         fails={GRAD, f"{GRAD}-reduction", f"{GRAD}-stability"}, message="wrong sign",
         source=_grad(**{"@@GRAD@@": "weight * (y - sigma)"})),
    dict(function="weighted_bce_watch_time_grad", mistake="weights missing",
         fails={GRAD, f"{GRAD}-reduction", f"{GRAD}-stability"}, message="weights are missing",
         source=_grad(**{"@@GRAD@@": "sigma - y"})),
    dict(function="weighted_bce_watch_time_grad", mistake="mean not divided by N",
         fails={GRAD, f"{GRAD}-stability"}, message="divided by N too",
         source=_grad(**{"@@SCALE@@": "grad"})),
    dict(function="weighted_bce_watch_time_grad", mistake="divided by the sum of the weights",
         fails={GRAD, f"{GRAD}-stability"}, message="divided by the sum of the weights",
         source=_grad(**{"@@SCALE@@": "grad / weight.sum() if reduction == 'mean' else grad"})),
    dict(function="weighted_bce_watch_time_grad", mistake="exp(z) / (1 + exp(z))",
         fails={f"{GRAD}-stability"}, message="inf / inf",
         source=_grad(**{"@@SIGMA@@": "sigma = np.exp(z) / (1 + np.exp(z))"})),
    dict(function="fit_intercept_only_odds", mistake="E[T] = sum(T) / N",
         fails={ODDS, f"{ODDS}-edges"}, message="E[T] = sum(T) / N",
         source=_odds(**{"@@GUARD@@": "pass", "@@ODDS@@": "total / y.size if y.size else "
                                                          "float('nan')"})),
    dict(function="fit_intercept_only_odds", mistake="mean watch time of a click",
         fails={ODDS, f"{ODDS}-edges"}, message="sum(T) / k",
         source=_odds(**{"@@GUARD@@": "pass", "@@ODDS@@": "total / np.count_nonzero(y)"})),
    dict(function="fit_intercept_only_odds", mistake="returns the intercept log(odds)",
         fails={ODDS, f"{ODDS}-edges"}, message="returned the intercept",
         source=_odds(**{"@@GUARD@@": "if negatives == 0:\n"
                                      "        return float('inf') if total > 0 else "
                                      "float('nan')",
                         "@@ODDS@@": "float(np.log(total / negatives)) if total else "
                                     "float('-inf')"})),
    dict(function="fit_intercept_only_odds", mistake="watch time of unclicked rows summed",
         fails={ODDS}, message="unclicked impressions too",
         source=_odds(**{"@@TIMES@@": "t"})),
    dict(function="fit_intercept_only_odds", mistake="divides by zero without negatives",
         fails={f"{ODDS}-edges"}, message="ZeroDivisionError",
         source=_odds(**{"@@GUARD@@": "pass"})),
    dict(function="weighted_per_user_pairwise_loss", mistake="ties count 0",
         fails={f"{PAIRWISE}-ties"}, message="ties count 0",
         source=_pairwise(**{"@@LOST@@": "np.sum(t[pos] * above)"})),
    dict(function="weighted_per_user_pairwise_loss", mistake="ties count 1 (>=)",
         fails={f"{PAIRWISE}-ties"}, message="ties count 1",
         source=_pairwise(**{"@@ABOVE@@": ">=", "@@LOST@@": "np.sum(t[pos] * above)"})),
    dict(function="weighted_per_user_pairwise_loss", mistake="page_ids ignored",
         fails={f"{PAIRWISE}-pages"}, message="page_ids were ignored",
         source=_pairwise(**{"@@PAGES@@": "np.zeros_like(users)"})),
    dict(function="weighted_per_user_pairwise_loss", mistake="pairs across users",
         fails={f"{PAIRWISE}-pages"}, message="different users were paired",
         source=_pairwise(**{"@@USERS@@": "np.zeros(len(np.asarray(user_ids)), dtype=int)"})),
    dict(function="weighted_per_user_pairwise_loss", mistake="counts pairs, not watch time",
         fails={PAIRWISE, f"{PAIRWISE}-ties", f"{PAIRWISE}-pages", f"{PAIRWISE}-invariance"},
         message="counts mispredicted pairs",
         source=_pairwise(**{"@@LOST@@": "np.sum(above + 0.5 * tied)",
                             "@@TOTAL@@": "pos.size * neg.size"})),
]
