"""Table geometry: cell boxes -> grid positions with spans (extractors.grid)."""
from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.grid import GridCell, cluster_positions, grid_from_cell_boxes


def test_plain_two_by_two_grid():
    boxes = [(0, 0, 50, 20), (50, 0, 120, 20), (0, 20, 50, 45), (50, 20, 120, 45)]
    cells = grid_from_cell_boxes(boxes)
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in cells] == [
        (0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 1), (1, 1, 1, 1)
    ]
    assert cells[3].bbox == (50, 20, 120, 45)


def test_merged_level1_cell_spans_rows_once():
    # the 一级指标 column merged over three indicator rows, as in 绩效目标表
    boxes = [
        (0, 0, 40, 60),
        (40, 0, 100, 20), (100, 0, 200, 20),
        (40, 20, 100, 40), (100, 20, 200, 40),
        (40, 40, 100, 60), (100, 40, 200, 60),
    ]
    cells = grid_from_cell_boxes(boxes)
    assert cells[0] == GridCell(row=0, col=0, rowspan=3, colspan=1, bbox=(0, 0, 40, 60))
    assert len(cells) == 7
    assert sum(c.rowspan * c.colspan for c in cells) == 9


def test_jittered_edges_snap_to_one_line():
    boxes = [(0.4, 0, 50.2, 20.1), (49.1, 0.9, 120, 19.3), (0, 19.8, 120.6, 40)]
    cells = grid_from_cell_boxes(boxes, tol=2.0)
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in cells] == [(0, 0, 1, 1), (0, 1, 1, 1), (1, 0, 1, 2)]


def test_hole_is_left_out_and_indices_stay_on_grid():
    boxes = [(0, 0, 50, 20), (50, 0, 100, 20), (0, 20, 50, 40)]  # bottom-right missing
    cells = grid_from_cell_boxes(boxes)
    assert [(c.row, c.col) for c in cells] == [(0, 0), (0, 1), (1, 0)]


def test_degenerate_and_duplicate_boxes_are_dropped():
    boxes = [(0, 0, 50, 20), (0, 0, 50, 20), (10, 5, 10.5, 30)]
    assert len(grid_from_cell_boxes(boxes)) == 1
    assert grid_from_cell_boxes([]) == []


def test_cluster_positions_does_not_chain_a_drift():
    # 0, 1.5, 3, 4.5 would all chain together with a neighbour-to-neighbour rule
    assert len(cluster_positions([0, 1.5, 3.0, 4.5], tol=2.0)) == 2


@st.composite
def merged_grids(draw):
    n_rows = draw(st.integers(1, 8))
    n_cols = draw(st.integers(1, 8))
    widths = draw(st.lists(st.floats(10, 200), min_size=n_cols, max_size=n_cols))
    heights = draw(st.lists(st.floats(10, 80), min_size=n_rows, max_size=n_rows))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    occupied = [[False] * n_cols for _ in range(n_rows)]
    spans = []
    for r in range(n_rows):
        for c in range(n_cols):
            if occupied[r][c]:
                continue
            max_cs = 1
            while c + max_cs < n_cols and not occupied[r][c + max_cs]:
                max_cs += 1
            cs = rng.randint(1, max_cs) if rng.random() < 0.3 else 1
            rs = rng.randint(1, n_rows - r) if rng.random() < 0.3 else 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    occupied[rr][cc] = True
            spans.append((r, c, rs, cs))
    holes = draw(st.sets(st.integers(0, len(spans) - 1), max_size=len(spans) // 3))
    return widths, heights, spans, holes, seed


@settings(max_examples=200, deadline=None)
@given(merged_grids())
def test_random_merged_grid_round_trips(case):
    widths, heights, spans, holes, seed = case
    tol = 2.0
    xs = [sum(widths[:i]) for i in range(len(widths) + 1)]
    ys = [sum(heights[:i]) for i in range(len(heights) + 1)]
    rng = random.Random(seed)

    def jitter(v):
        return v + rng.uniform(-0.45 * tol, 0.45 * tol)

    kept = [s for i, s in enumerate(spans) if i not in holes]
    boxes = [
        (jitter(xs[c]), jitter(ys[r]), jitter(xs[c + cs]), jitter(ys[r + rs])) for r, c, rs, cs in kept
    ]
    rng.shuffle(boxes)
    cells = grid_from_cell_boxes(boxes, tol=tol)

    # grid lines no kept box touches do not exist for the reader: renumber over the used ones
    used_x = sorted({i for _, c, _, cs in kept for i in (c, c + cs)})
    used_y = sorted({i for r, _, rs, _ in kept for i in (r, r + rs)})
    expected = sorted(
        (used_y.index(r), used_x.index(c), used_y.index(r + rs) - used_y.index(r),
         used_x.index(c + cs) - used_x.index(c))
        for r, c, rs, cs in kept
    )
    assert [(g.row, g.col, g.rowspan, g.colspan) for g in cells] == expected
    for g in cells:
        assert abs(g.bbox[0] - xs[used_x[g.col]]) <= tol
        assert abs(g.bbox[3] - ys[used_y[g.row + g.rowspan]]) <= tol
