"""Writing a long Excel export (core.tabular.build_workbook): 20,000 rows × 10 columns, the size
of every value of one year at province scale, through the real path (text hygiene, text such as
"=100" kept as data) versus openpyxl's bare append of the same rows. Prints medians of three."""

from _setup import median, rounded, setup_django, timed

setup_django()

from openpyxl import Workbook

from ecozone.core.tabular import build_workbook

ROWS = [[f"R{i}", i, "=100", "说明", 1.5, None, "a", "b", "c", "d"] for i in range(20_000)]
HEADER = [f"h{j}" for j in range(10)]


def real():
    build_workbook([("s", HEADER, ROWS)])


def bare():
    sheet = Workbook().active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)


ours, plain = timed(real), timed(bare)
print(f"build_workbook, 20,000 rows: {rounded(ours)} s, median {median(ours):.3f} s")
print(f"bare openpyxl append:        {rounded(plain)} s, median {median(plain):.3f} s")
print(f"ratio {median(ours) / median(plain):.2f}")
