"""Image preprocessing for scanned forms: load pages, find orientation and skew, binarize, find rulings.

Everything here is a pure function over numpy arrays (grayscale uint8, ink dark on light paper) so
it can be tested on small synthetic images. Geometry that moves pixels (rotation) returns the 2x3
affine matrix as well, so coordinates found on the straightened image can be mapped back to the
image as loaded (the review page draws boxes on that one).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..errors import UnreadableFileError
from ..limits import InputLimits, check_pixels, default_limits, over_limit
from ..settings import ScanPrepSettings, scan_settings


@dataclass(frozen=True)
class Segment:
    """A ruling line: horizontal (y = (y0+y1)/2 between x0 and x1) or vertical."""

    orientation: str  # "h" | "v"
    x0: float
    y0: float
    x1: float
    y1: float


# ---------------------------------------------------------------- loading


def to_gray(image: np.ndarray) -> np.ndarray:
    """uint8 grayscale from whatever an image decoder produced (1-bit, 16-bit, RGB(A), palette)."""
    if image.dtype == np.bool_:
        image = image.astype(np.uint8) * 255
    elif image.dtype != np.uint8:
        maxv = float(image.max()) or 1.0
        image = (image.astype(np.float32) * (255.0 / maxv)).astype(np.uint8)
    if image.ndim == 3:
        if image.shape[2] == 4:
            # Transparent pixels count as white paper.
            alpha = image[:, :, 3:4].astype(np.float32) / 255.0
            rgb = image[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
            image = rgb.astype(np.uint8)
        image = cv2.cvtColor(image[:, :, :3], cv2.COLOR_RGB2GRAY)
    return np.ascontiguousarray(image)


def load_image_pages(path: Path, limits: InputLimits | None = None) -> list[np.ndarray]:
    """Every frame of an image file as grayscale; a multi-page TIFF gives one array per page.

    Frames and pixels are checked against ``limits`` from each frame's header, before decoding.
    """
    from PIL import Image, ImageSequence, UnidentifiedImageError

    limits = limits or default_limits()
    try:
        with Image.open(path) as im:
            pages = []
            for index, frame in enumerate(ImageSequence.Iterator(im)):
                if index >= limits.max_frames_per_image:
                    raise over_limit(path, "number of image frames", None, "max_frames_per_image",
                                     limits.max_frames_per_image)
                check_pixels(path, frame.width, frame.height, limits, frame=index + 1 if index else None)
                fr = frame.convert("RGBA") if frame.mode in ("P", "PA", "LA") else frame
                if fr.mode not in ("L", "RGB", "RGBA", "1", "I;16", "I"):
                    fr = fr.convert("RGB")
                pages.append(to_gray(np.asarray(fr)))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError) as exc:
        raise UnreadableFileError(f"cannot decode image: {exc}", file=str(path)) from exc
    if not pages or any(p.size == 0 for p in pages):
        raise UnreadableFileError("image has no pixels", file=str(path))
    return pages


def rasterize_pdf_pages(path: Path, page_numbers: list[int], dpi: int,
                        limits: InputLimits | None = None) -> list[np.ndarray]:
    """Grayscale renderings of the given 1-based PDF pages at ``dpi``; a page whose rendering
    would exceed ``limits.max_pixels_per_page`` raises InputLimitError before it is rendered."""
    import pypdfium2 as pdfium

    limits = limits or default_limits()
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise UnreadableFileError(f"cannot open PDF: {exc}", file=str(path)) from exc
    try:
        out = []
        for n in page_numbers:
            if not 1 <= n <= len(pdf):
                raise UnreadableFileError(f"PDF has no page {n}", file=str(path))
            page = pdf[n - 1]
            width, height = page.get_size()
            scale = dpi / 72.0
            check_pixels(path, round(width * scale), round(height * scale), limits, frame=n)
            bitmap = page.render(scale=dpi / 72.0, grayscale=True)
            out.append(to_gray(bitmap.to_numpy().copy()))
            page.close()
        return out
    finally:
        pdf.close()


# ---------------------------------------------------------------- binarization


def denoise(gray: np.ndarray, settings: ScanPrepSettings | None = None) -> np.ndarray:
    """Speckle removal that keeps strokes (median filter)."""
    settings = settings or scan_settings().prep
    k = settings.denoise_median
    return cv2.medianBlur(gray, k) if k and k >= 3 else gray


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink mask (255 = ink) by Otsu's threshold; robust to a grey or noisy background."""
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink


# ---------------------------------------------------------------- orientation and skew


def rotate_image(gray: np.ndarray, angle_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate counter-clockwise by ``angle_deg`` about the centre, same canvas size, white fill.

    Returns the rotated image and the 2x3 matrix mapping original -> rotated coordinates.
    """
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle_deg, 1.0)
    rotated = cv2.warpAffine(
        gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255
    )
    return rotated, m


def _profile_score(ink_small: np.ndarray, angle: float) -> float:
    h, w = ink_small.shape
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    r = cv2.warpAffine(ink_small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = r.sum(axis=1, dtype=np.float64)
    # Text lines and rulings are sharpest (highest energy in the row profile) when level.
    return float(np.square(np.diff(rows)).sum())


def estimate_skew(ink: np.ndarray, settings: ScanPrepSettings | None = None) -> float:
    """Angle in degrees (counter-clockwise positive) that levels the page, within ±max_skew_deg."""
    settings = settings or scan_settings().prep
    h, w = ink.shape
    scale = min(1.0, settings.skew_work_width / float(w))
    small = cv2.resize(ink, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    small = (small > 64).astype(np.float32)
    lim, step = settings.max_skew_deg, settings.skew_coarse_step
    coarse = np.arange(-lim, lim + 1e-9, step)
    scores = [_profile_score(small, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - step, best + step + 1e-9, settings.skew_fine_step)
    fine = fine[np.abs(fine) <= lim + 1e-9]
    scores = [_profile_score(small, a) for a in fine]
    return float(fine[int(np.argmax(scores))])


_TEXT_LINE_MIN_THICKNESS_PX = 4  # in the page scaled to 1200 px: a 5 pt character is about 7 px


def _elongation_votes(ink: np.ndarray) -> tuple[int, int]:
    """Count text-line-like blobs lying horizontally vs vertically (rulings removed first)."""
    h, w = ink.shape
    scale = min(1.0, 1200.0 / max(h, w))
    small = cv2.resize(ink, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
    small = (small > 64).astype(np.uint8) * 255
    # Take out long rulings: they are elongated in both directions on a table.
    long_k = max(15, int(min(small.shape) * 0.08))
    lines = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_k, 1)))
    lines |= cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_k)))
    text = cv2.subtract(small, cv2.dilate(lines, np.ones((3, 3), np.uint8)))
    horiz = vert = 0
    for kx, ky, is_h in ((9, 1, True), (1, 9, False)):
        merged = cv2.morphologyEx(text, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kx, ky)))
        _, _, stats, _ = cv2.connectedComponentsWithStats(merged, connectivity=8)
        bw, bh = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
        # a line of text is a character high; a ruling too short for the opening above (the rules of
        # a lone row on a page's top, skewed) is a pixel or two thick, and is no text line
        big = ((bw * bh) > 20) & (np.minimum(bw, bh) >= _TEXT_LINE_MIN_THICKNESS_PX)
        if is_h:
            horiz = int(np.sum(big & (bw > 4 * bh)))
        else:
            vert = int(np.sum(big & (bh > 4 * bw)))
    return horiz, vert


def is_sideways(ink: np.ndarray) -> bool:
    """True when the page's text runs top-to-bottom (scanned 90° or 270° off)."""
    horiz, vert = _elongation_votes(ink)
    return vert > 2 * max(horiz, 1)


def rotate_quarter(gray: np.ndarray, quarters: int) -> np.ndarray:
    """Rotate by a multiple of 90° counter-clockwise (exact, no resampling)."""
    return np.ascontiguousarray(np.rot90(gray, quarters % 4))


def quarter_turn_matrix(shape: tuple[int, int], quarters: int) -> np.ndarray:
    """2x3 matrix mapping coordinates of ``gray`` (shape h, w) to those of rotate_quarter(gray, q)."""
    h, w = shape
    q = quarters % 4
    if q == 0:
        return np.array([[1, 0, 0], [0, 1, 0]], dtype=np.float64)
    if q == 1:  # np.rot90 once: (x, y) -> (y, w - 1 - x)
        return np.array([[0, 1, 0], [-1, 0, w - 1]], dtype=np.float64)
    if q == 2:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1]], dtype=np.float64)
    return np.array([[0, -1, h - 1], [1, 0, 0]], dtype=np.float64)


def compose(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """Affine 2x3 matrix of applying ``inner`` then ``outer``."""
    a = np.vstack([outer, [0, 0, 1]])
    b = np.vstack([inner, [0, 0, 1]])
    return (a @ b)[:2]


def invert(m: np.ndarray) -> np.ndarray:
    return cv2.invertAffineTransform(m)


def map_bbox(m: np.ndarray, bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Axis-aligned bounds of a box's four corners after the affine map ``m``."""
    x0, y0, x1, y1 = bbox
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], dtype=np.float64)
    out = pts @ m.T
    return (float(out[:, 0].min()), float(out[:, 1].min()), float(out[:, 0].max()), float(out[:, 1].max()))


# ---------------------------------------------------------------- rulings


def ruling_masks(ink: np.ndarray, settings: ScanPrepSettings | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Masks of horizontal and vertical rulings by morphological opening with long thin kernels.

    Opening comes first, on the ink as it is, so that strokes of neighbouring characters cannot be
    bridged into a false ruling; only then are small breaks along a found ruling closed.
    """
    settings = settings or scan_settings().prep
    short_side = min(ink.shape)
    length = max(10, int(short_side * settings.rule_min_frac))
    gap = max(1, int(short_side * settings.rule_gap_frac))
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    horiz = cv2.morphologyEx(horiz, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    vert = cv2.morphologyEx(vert, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    return horiz, vert


def _segments_from_mask(
    mask: np.ndarray, orientation: str, max_thickness: float, min_len: float
) -> tuple[list[Segment], np.ndarray]:
    """Ruling segments among the mask's blobs, and a mask of just those blobs."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = []
    keep = np.zeros(n, dtype=bool)
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if orientation == "h":
            if w < min_len or h > max_thickness:
                continue
            out.append(Segment("h", float(x), y + h / 2.0, float(x + w), y + h / 2.0))
        else:
            if h < min_len or w > max_thickness:
                continue
            out.append(Segment("v", x + w / 2.0, float(y), x + w / 2.0, float(y + h)))
        keep[i] = True
    return out, np.where(keep[labels], 255, 0).astype(np.uint8)


def find_rulings(ink: np.ndarray, settings: ScanPrepSettings | None = None) -> tuple[list[Segment], np.ndarray]:
    """Ruling segments of a (levelled) ink mask, and the mask of all ruling pixels."""
    settings = settings or scan_settings().prep
    horiz, vert = ruling_masks(ink, settings)
    short_side = min(ink.shape)
    min_len = max(10, short_side * settings.rule_min_frac)
    thick = max(3.0, short_side * settings.rule_max_thickness_frac)
    hs, hmask = _segments_from_mask(horiz, "h", thick, min_len)
    vs, vmask = _segments_from_mask(vert, "v", thick, min_len)
    return hs + vs, cv2.bitwise_or(hmask, vmask)


# ---------------------------------------------------------------- checkboxes


@dataclass(frozen=True)
class Checkbox:
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 in the image searched
    fill: float  # share of ink inside the square's interior (0 empty .. 1 solid)


def find_checkboxes(ink: np.ndarray, min_side: int, max_side: int) -> list[Checkbox]:
    """Small, roughly square outlines in an ink mask (a cell's crop), left to right.

    A box is a blob whose bounding rectangle is square-ish and in the size range, with ink along
    most of each of its four sides (a low-resolution or JPEG scan breaks the thin frame here and
    there) and no stroke running across its inside (目, 日, 田 have bars from side to side). The
    tick of ☑ may be a separate blob inside; ``fill`` is the inked share of the inside.
    """
    found: list[Checkbox] = []
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    mask = ink > 0
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i, :4])
        if not (min_side <= w <= max_side and min_side <= h <= max_side):
            continue
        if not 0.8 <= w / float(h) <= 1.25:
            continue
        box = mask[y : y + h, x : x + w]
        t = max(1, round(min(w, h) * 0.12))
        sides = (
            box[:t, :].any(axis=0),
            box[-t:, :].any(axis=0),
            box[:, :t].any(axis=1),
            box[:, -t:].any(axis=1),
        )
        if min(float(side.mean()) for side in sides) < 0.75:
            continue
        inner = box[t + 1 : h - t - 1, t + 1 : w - t - 1]
        if inner.size == 0 or min(inner.shape) < 2:
            continue
        across = max(float(inner.mean(axis=1).max()), float(inner.mean(axis=0).max()))
        if across >= 0.8:
            continue  # a stroke from side to side: a character, not a box
        found.append(Checkbox(bbox=(float(x), float(y), float(x + w), float(y + h)), fill=float(inner.mean())))
    found.sort(key=lambda c: c.bbox[0])
    return found


# ---------------------------------------------------------------- operator glyphs


def classify_operator_glyph(ink: np.ndarray, min_area: int | None = None) -> tuple[str, float] | None:
    """Read one comparison sign (≥ ≤ > < =, also the slanted ⩾ ⩽ forms) from its strokes.

    OCR models trained on prose often miss these small isolated signs. The sign is: flat bars
    (=), an angle opening left or right (< >), or an angle with one or two bars under it (≤ ≥).
    Returns (operator, confidence) or None when the blobs are not such a sign.
    """
    min_area = scan_settings().text.min_ink_area_px if min_area is None else min_area
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_area]
    if not 1 <= len(blobs) <= 3:
        return None
    blobs.sort(key=lambda i: (stats[i, cv2.CC_STAT_TOP], stats[i, cv2.CC_STAT_LEFT]))
    sizes = [max(stats[i, 2], stats[i, 3]) for i in blobs]
    if max(sizes) > 3 * min(sizes) + 2:
        return None  # a dot or speck next to a bigger glyph: not one sign
    widths, heights = stats[blobs, cv2.CC_STAT_WIDTH], stats[blobs, cv2.CC_STAT_HEIGHT]
    if all(w >= 3 * h for w, h in zip(widths, heights)):
        if len(blobs) == 2 and abs(int(widths[0]) - int(widths[1])) <= 0.3 * max(widths):
            return ("=", 0.9)
        return None
    # The top blob is the angle; anything else must be a bar (a slanted one for ⩾ ⩽) below its middle.
    angles, flat = [blobs[0]], blobs[1:]
    top_y, top_h = stats[blobs[0], cv2.CC_STAT_TOP], stats[blobs[0], cv2.CC_STAT_HEIGHT]
    for j in flat:
        if stats[j, cv2.CC_STAT_WIDTH] < 1.5 * stats[j, cv2.CC_STAT_HEIGHT] or stats[j, 1] < top_y + 0.4 * top_h:
            return None
    i = angles[0]
    x, y, w, h = (int(v) for v in stats[i, :4])
    if h < 0.35 * w or h > 2.5 * w:
        return None
    mask = labels[y : y + h, x : x + w] == i
    opens_right = _angle_opening(mask)
    if opens_right is not None:
        if flat:
            return ("≤" if opens_right else "≥", 0.85)
        return ("<" if opens_right else ">", 0.85)
    # a bar joined to the lower arm (the slanted ⩾ ⩽, or a small ≥ ≤ at low resolution, one blob):
    # rows across the width at the bottom, an angle above them
    # (a ragged row or two of speckle may hang under the bar)
    ragged = 0
    while ragged < max(1, round(_JOINED_RAGGED_SHARE * h)) and 0 < mask[h - 1 - ragged].mean() < _JOINED_BAR_SPAN:
        ragged += 1
    bar = 0
    while ragged + bar < h and mask[h - 1 - ragged - bar].mean() >= _JOINED_BAR_SPAN:
        bar += 1
    if not bar:
        ragged = 0
    if flat or not 0 < ragged + bar <= 0.4 * h:
        return None
    # (the slanted form's thick arms reach further towards the vertex; the bar's blurred top edge,
    # a row or two under the rows it covers, may hang below the angle)
    for edge in range(max(1, round(_JOINED_RAGGED_SHARE * h)) + 1):
        if ragged + bar + edge > 0.4 * h:
            break
        opens_right = _angle_opening(mask[: h - ragged - bar - edge], _JOINED_VERTEX_SHARE)
        if opens_right is not None:
            return ("≤" if opens_right else "≥", 0.8)
    return None


_JOINED_BAR_SPAN = 0.7  # share of the sign's width a joined bar's rows cover
_JOINED_VERTEX_SHARE = 0.4
_JOINED_RAGGED_SHARE = 0.1  # share of the sign's height of speckled rows allowed under a joined bar


def _angle_opening(mask: np.ndarray, vertex_share: float = 0.5) -> bool | None:
    """True for an angle opening right (<), False for one opening left (>), None for no angle;
    ``vertex_share``: the part of the width on the vertex side that the arms' ends must not reach."""
    rows_with_ink = np.nonzero(mask.any(axis=1))[0]
    if rows_with_ink.size == 0:
        return None
    mask = mask[rows_with_ink.min() : rows_with_ink.max() + 1]
    h, w = mask.shape
    if h < 0.35 * w or h > 2.5 * w:
        return None
    k = max(1, w // 6)

    def spread(cols: np.ndarray) -> float:
        rows = np.nonzero(cols.any(axis=1))[0]
        return float(rows.max() - rows.min() + 1) if rows.size else 0.0

    left, right = spread(mask[:, :k]), spread(mask[:, -k:])
    if max(left, right) < 0.5 * h or abs(left - right) < 0.3 * h:
        return None
    opens_right = left < right  # vertex on the left: "<"
    # the vertex: a short run of ink around the middle height (an L's stem has none, a 4's is long)
    tip = np.nonzero((mask[:, :k] if opens_right else mask[:, -k:]).any(axis=1))[0]
    if tip.size == 0 or tip.max() - tip.min() + 1 > 0.5 * h or not 0.25 * h <= tip.mean() <= 0.75 * h:
        return None
    # The arms' ends lie on the open side only: the top and bottom rows of an angle hold no ink
    # on the vertex side (a "2" or "Z" has its base bar running the full width).
    band = max(1, h // 5)
    half = max(1, round(w * vertex_share))
    for rows in (mask[:band], mask[-band:]):
        vertex_side = rows[:, :half] if opens_right else rows[:, w - half :]
        if vertex_side.any():
            return None
    return opens_right


def leading_glyph(ink: np.ndarray, min_area: int | None = None) -> np.ndarray | None:
    """The ink of the first glyph on a one-line cell: the leftmost blobs that overlap in x.

    Used to read a comparison sign written before a number ("⩾95%") from its strokes.
    """
    min_area = scan_settings().text.min_ink_area_px if min_area is None else min_area
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    blobs = sorted((i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= min_area), key=lambda i: stats[i, 0])
    if len(blobs) < 2:
        return None
    first = [blobs[0]]
    end = stats[blobs[0], 0] + stats[blobs[0], 2]
    for i in blobs[1:]:
        if stats[i, 0] < end:
            first.append(i)
            end = max(end, stats[i, 0] + stats[i, 2])
    if len(first) == len(blobs):
        return None  # one glyph only: not a sign before something
    x0 = min(stats[i, 0] for i in first)
    y0 = min(stats[i, 1] for i in first)
    y1 = max(stats[i, 1] + stats[i, 3] for i in first)
    mask = np.isin(labels[y0:y1, x0:end], first)
    return np.where(mask, 255, 0).astype(np.uint8)
