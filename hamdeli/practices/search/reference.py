"""Reference language means, for an exchange too small to estimate its own.

Centring takes each language's mean vector away from the practices and queries of that language
(semantic.CENTERING); the relevance floor is calibrated on centred cosines. An exchange needs
semantic.CENTER_MIN_CORPUS practices before its own means can be trusted; below that, raw e5 cosines of
nonsense and of real queries overlap (0.77-0.84 against 0.81-0.94 on the demo's 35 practices), so there
was no floor and "zzqxv" found every practice. These means are taken from the bundled sample practices
(practices/samples.py), each language version embedded on its own exactly as a stored practice is
(semantic.embed_practices), and stored in reference_means.npz beside this file: on the demo they put every
nonsense query's best centred cosine at or under 0.26 and 34 of the 36 fa/en evaluation queries' at or
over the gate. `python -m hamdeli.practices.search.reference` writes the file again (a test checks it
matches the bundled model).
"""

import functools
from pathlib import Path
from types import SimpleNamespace

import numpy as np

PATH = Path(__file__).with_name("reference_means.npz")


def compute() -> dict[str, np.ndarray]:
    """Per-language mean vectors of the sample practices' single-language versions, and "*" over all."""
    from hamdeli.practices import samples
    from hamdeli.practices.search import semantic

    versions = [(lang, SimpleNamespace(title={lang: p["title"].get(lang, "")}, summary={lang: text}, body={}))
                for p in samples.PRACTICES for lang, text in sorted(p["summary"].items())]
    raw = semantic.embed_practices([version for _lang, version in versions])
    vectors = np.vstack([np.frombuffer(b, dtype=np.float32) for b in raw])
    means = {"*": vectors.mean(axis=0)}
    for lang in sorted({lang for lang, _v in versions}):
        rows = [i for i, (other, _v) in enumerate(versions) if other == lang]
        if len(rows) >= semantic.CENTER_MIN:
            means[lang] = vectors[rows].mean(axis=0)
    return means


@functools.cache
def means() -> dict[str, np.ndarray]:
    with np.load(PATH) as stored:
        return {name: stored[name].astype(np.float32) for name in stored.files}


def write() -> None:
    np.savez(PATH, **compute())  # type: ignore[arg-type]  # (numpy's stub types **kwds as its allow_pickle)


if __name__ == "__main__":
    import django

    django.setup()
    write()
    print(f"wrote {PATH}: {', '.join(sorted(means()))}")
