#!/usr/bin/python3
"""Writes the small synthetic tables the CLI tests train on (tests/data/cli/).

Three classes with distinct colours, like stars, galaxies and quasars in SDSS, and a
redshift that grows with g - r; magnitudes u g r i z. Run with Debian's /usr/bin/python3.
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "cli")
CENTRES = {"STAR": (1.2, 0.4, 0.15, 0.05), "GALAXY": (1.8, 0.9, 0.4, 0.3), "QSO": (0.3, 0.2, 0.1, 0.05)}


def table(n, rng):
    rows = []
    names = sorted(CENTRES)
    for k in range(n):
        cls = names[k % 3]
        colours = np.array(CENTRES[cls]) + rng.normal(0, 0.08, 4)
        r = rng.uniform(16, 19)
        g = r + colours[1]
        u = g + colours[0]
        i = r - colours[2]
        z = i - colours[3]
        redshift = max(0.0, 0.3 * (colours[1] - 0.2) + rng.normal(0, 0.01))
        rows.append((u, g, r, i, z, cls, redshift))
    return rows


def write(path, rows):
    with open(path, "w") as f:
        f.write("u,g,r,i,z,class,redshift\n")
        for u, g, r, i, z, cls, redshift in rows:
            f.write(f"{u:.5f},{g:.5f},{r:.5f},{i:.5f},{z:.5f},{cls},{redshift:.5f}\n")


def main():
    rng = np.random.default_rng(2024)
    write(os.path.join(OUT, "colors_train.csv"), table(240, rng))
    write(os.path.join(OUT, "colors_test.csv"), table(60, rng))


if __name__ == "__main__":
    main()
