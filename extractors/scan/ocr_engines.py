"""Two OCR engines behind one interface: RapidOCR (PP-OCR ONNX models shipped in its wheel) and Tesseract.

An engine reads a whole page into positioned text items (``read_page``) and reads already cut-out
single-line images (``read_lines``, used for small cells the page pass missed). Items carry their
box in the pixel coordinates of the image they were given and a 0..1 confidence. Every engine
keeps the time it spends inside the OCR library in ``seconds``, so the extractor can report OCR
time apart from its own.

Engines are built once per process (``get_engine``) because loading models is slow; they hold no
state that changes between pages apart from the timer.

Every request carries a ``CropKey`` (page, kind of read, the crop's box in page pixels): real
engines ignore it; ``RecordingEngine`` saves answers under it and ``RecordedEngine`` replays them
by it, so a recorded fixture survives library upgrades that change a crop's pixels slightly.
"""
from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from vocab import OCR_SPACING_CJK_CLASS

from ..errors import JixiaoError, MissingDependencyError

TESSERACT_HINT = (
    "install Tesseract with Chinese: `sudo apt-get install tesseract-ocr tesseract-ocr-chi-sim` "
    "(or run `make setup`), or use --ocr rapidocr"
)


@dataclass(frozen=True)
class OcrItem:
    """A run of text the engine read: a line (RapidOCR) or a word (Tesseract)."""

    text: str
    confidence: float  # 0..1
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 in the image's pixels

    def to_json(self) -> dict:
        return asdict(self)

    @staticmethod
    def from_json(d: dict) -> OcrItem:
        return OcrItem(text=d["text"], confidence=float(d["confidence"]), bbox=tuple(d["bbox"]))


@dataclass(frozen=True)
class CropKey:
    """What the extractor asked an engine to read, independent of the crop's exact pixels."""

    page: int  # 1-based page number
    kind: str  # "page" | "cell" | "line" | "reread" | "label" | "upright" | "turned"
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 of the crop in the levelled page's pixels
    turn: int = 0  # extra quarter turns given to the page (a page re-read upside down)

    def to_json(self) -> dict:
        return {"page": self.page, "kind": self.kind, "box": list(self.box), "turn": self.turn}

    @staticmethod
    def from_json(d: dict) -> CropKey:
        return CropKey(page=int(d["page"]), kind=str(d["kind"]), box=tuple(int(v) for v in d["box"]),
                       turn=int(d.get("turn", 0)))

    def describe(self) -> str:
        turn = f" turned {self.turn}×90°" if self.turn else ""
        return f"page {self.page}{turn} {self.kind} crop at box {list(self.box)}"


class ReplayMissError(JixiaoError):
    """A recorded engine was asked for a read it has no answer for: the fixture is stale."""

    code = "unreadable_file"


BoxCutter = Callable[[tuple[float, float, float, float]], list[tuple[float, float, float, float]]]


class OcrEngine(Protocol):
    name: str
    seconds: float  # cumulative time spent inside the OCR library
    reads_cells: bool  # True: give it table cells one by one (read_blocks) rather than the page

    def read_page(self, image: np.ndarray, cut: BoxCutter | None = None, key: CropKey | None = None) -> list[OcrItem]:
        """Detect and recognize all text on a grayscale page image.

        ``cut`` splits a detected text box where it crosses table cell borders, before it is
        recognized (engines that read word by word may ignore it).
        """
        ...

    def read_lines(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[tuple[str, float]]:
        """Recognize single text lines (grayscale crops), one (text, confidence) per crop."""
        ...

    def read_blocks(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[list[OcrItem]]:
        """Read each crop (a table cell, maybe several lines) into items in the crop's pixels.

        Used instead of the page pass when the engine says ``reads_cells``.
        """
        ...


_CJK = OCR_SPACING_CJK_CLASS
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")


def squeeze_cjk_spaces(text: str) -> str:
    """Drop the spaces OCR puts between CJK characters (and next to them); keep those in Latin text."""
    return _SPACE_NEAR_CJK.sub("", text).strip()


def line_confidence(text: str, char_probs: list[float], mean: float) -> float:
    """How sure the reader is of a line: its least sure letter, digit or CJK character.

    The mean over a long line hides the one wrong character a person has to check; punctuation is
    left out because its shape varies by font and a misread bracket or colon changes nothing.
    """
    probs = [p for ch, p in zip(text, char_probs) if ch.isalnum()]
    if not probs:
        return mean
    return float(min(probs))


# ---------------------------------------------------------------- RapidOCR


class RapidOcrEngine:
    """PP-OCRv4 detection on a reduced copy of the page, recognition on full-resolution crops.

    RapidOCR's own pipeline recognizes crops cut from the reduced image; cutting them from the
    full-resolution page keeps small glyphs (operators, digits) sharp at the same cost.
    """

    name = "rapidocr"
    reads_cells = False  # it reads the whole page; the extractor assigns lines to cells

    def __init__(self, *, det_max_side: int, threads: int, pad: int, rec_height: int, rec_batch: int):
        # every value from extractors/data/scan.yaml (rapidocr section): no code default to disagree with it
        try:
            from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
            from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
            from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
            from rapidocr_onnxruntime.utils import read_yaml
            from rapidocr_onnxruntime.utils.parse_parameters import update_model_path
        except ImportError as exc:  # pragma: no cover - the wheel is a project dependency
            raise MissingDependencyError(
                "RapidOCR is not installed", hint="pip install rapidocr-onnxruntime, or use --ocr tesseract"
            ) from exc
        config = update_model_path(read_yaml(str(DEFAULT_CFG_PATH)))
        for section in ("Det", "Rec"):
            config[section]["intra_op_num_threads"] = threads
            config[section]["inter_op_num_threads"] = 1
        self._det = TextDetector(config["Det"])
        self._rec = TextRecognizer(config["Rec"])
        # The recognizer is fully convolutional in height: a lower input height than the 48 px it
        # was trained at costs little accuracy on printed forms and saves time (cost ~ height²).
        self._rec.rec_image_shape = [3, rec_height, int(self._rec.rec_image_shape[2])]
        # A batch is padded to its widest line; form lines range from one character to a whole
        # explanation, so padding cost more than batching saves (dev_001: 10.8 s -> 5.5 s at 1).
        self._rec.rec_batch_num = rec_batch
        self.det_max_side = det_max_side
        self.pad = pad
        self.seconds = 0.0

    def detect(self, gray: np.ndarray) -> list[tuple[float, float, float, float]]:
        """Axis-aligned boxes of text lines, in ``gray``'s pixels."""
        h, w = gray.shape[:2]
        scale = min(1.0, self.det_max_side / float(max(h, w)))
        small = cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA) if scale < 1 else gray
        t = time.perf_counter()
        boxes, _ = self._det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
        self.seconds += time.perf_counter() - t
        out = []
        if boxes is None:
            return out
        for quad in boxes:
            xs, ys = quad[:, 0] / scale, quad[:, 1] / scale
            out.append((float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())))
        return out

    def _fit_height(self, crop: np.ndarray) -> np.ndarray:
        # The recognizer scales every line to its input height; shrinking with area averaging here
        # avoids the aliasing of its bilinear resize on large (300 dpi) crops.
        target = int(self._rec.rec_image_shape[1])
        h, w = crop.shape[:2]
        if h <= target:
            return crop
        scale = target / float(h)
        return cv2.resize(crop, (max(1, round(w * scale)), target), interpolation=cv2.INTER_AREA)

    def read_lines(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[tuple[str, float]]:
        if not crops:
            return []
        bgr = [cv2.cvtColor(self._fit_height(c), cv2.COLOR_GRAY2BGR) if c.ndim == 2 else c for c in crops]
        t = time.perf_counter()
        res, _ = self._rec(bgr, True)  # True: also the probability of every character
        self.seconds += time.perf_counter() - t
        return [(str(r[0]), line_confidence(str(r[0]), r[2][4] if len(r) > 2 else [], float(r[1]))) for r in res]

    def read_blocks(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[list[OcrItem]]:
        return [self.read_page(c) for c in crops]

    def read_page(self, image: np.ndarray, cut: BoxCutter | None = None, key: CropKey | None = None) -> list[OcrItem]:
        boxes = self.detect(image)
        if cut is not None:
            boxes = [piece for box in boxes for piece in cut(box)]
        h, w = image.shape[:2]
        crops, kept = [], []
        for x0, y0, x1, y1 in boxes:
            a, b = max(0, int(x0) - self.pad), max(0, int(y0) - self.pad)
            c, d = min(w, int(np.ceil(x1)) + self.pad), min(h, int(np.ceil(y1)) + self.pad)
            if c - a < 4 or d - b < 4:
                continue
            crops.append(image[b:d, a:c])
            kept.append((x0, y0, x1, y1))
        out = []
        for bbox, (text, conf) in zip(kept, self.read_lines(crops)):
            text = text.strip()
            if text:
                out.append(OcrItem(text=text, confidence=conf, bbox=bbox))
        return out


# ---------------------------------------------------------------- Tesseract


def probe_tesseract(lang: str = "chi_sim+eng") -> str:
    """Tesseract's version, after checking the binary and the languages exist; else a clear error."""
    try:
        import pytesseract
    except ImportError as exc:
        raise MissingDependencyError("pytesseract is not installed", hint="pip install pytesseract") from exc
    try:
        version = str(pytesseract.get_tesseract_version())
        have = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise MissingDependencyError("the tesseract program is not installed", hint=TESSERACT_HINT) from exc
    missing = [code for code in lang.split("+") if code not in have]
    if missing:
        raise MissingDependencyError(
            f"Tesseract {version} lacks language data {', '.join(missing)}", hint=TESSERACT_HINT
        )
    return version


class TesseractEngine:
    """Tesseract through pytesseract: word boxes from ``image_to_data`` on the whole page."""

    name = "tesseract"

    reads_cells = True  # the extractor gives it table cells one by one (read_blocks)

    def __init__(self, *, lang: str, page_psm: int, line_psm: int, block_psm: int, threads: int):
        # every value from extractors/data/scan.yaml (tesseract section)
        import os

        self.version = probe_tesseract(lang)
        self.lang = lang
        self.page_psm = page_psm
        self.line_psm = line_psm
        self.block_psm = block_psm
        # Tesseract's OpenMP threads; the batch parallelizes over files instead.
        os.environ.setdefault("OMP_THREAD_LIMIT", str(threads))
        self.seconds = 0.0

    def _data(self, image: np.ndarray, psm: int) -> dict:
        import pytesseract

        t = time.perf_counter()
        try:
            return pytesseract.image_to_data(
                image, lang=self.lang, config=f"--psm {psm}", output_type=pytesseract.Output.DICT
            )
        finally:
            self.seconds += time.perf_counter() - t

    def read_page(self, image: np.ndarray, cut: BoxCutter | None = None, key: CropKey | None = None) -> list[OcrItem]:
        d = self._data(image, self.page_psm)
        out = []
        for i, raw in enumerate(d["text"]):
            text = squeeze_cjk_spaces(str(raw))
            conf = float(d["conf"][i])
            if not text or conf < 0:
                continue
            x, y, w, h = (float(d[k][i]) for k in ("left", "top", "width", "height"))
            out.append(OcrItem(text=text, confidence=conf / 100.0, bbox=(x, y, x + w, y + h)))
        return out

    def read_blocks(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[list[OcrItem]]:
        """Words of each crop (a table cell, possibly several lines), boxes in the crop's pixels.

        All crops go to one Tesseract process as a list of images: starting Tesseract and
        loading its Chinese model per cell would cost more than reading the cells.
        """
        import tempfile

        import pytesseract

        out: list[list[OcrItem]] = [[] for _ in crops]
        if not crops:
            return out
        with tempfile.TemporaryDirectory(prefix="jixiao_tess_") as tmp:
            names = []
            for k, crop in enumerate(crops):
                padded = cv2.copyMakeBorder(crop, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)
                name = str(Path(tmp) / f"cell_{k:05d}.png")
                cv2.imwrite(name, padded)
                names.append(name)
            listing = Path(tmp) / "cells.txt"
            listing.write_text("\n".join(names) + "\n", encoding="utf-8")
            t = time.perf_counter()
            try:
                d = pytesseract.image_to_data(
                    str(listing), lang=self.lang, config=f"--psm {self.block_psm}", output_type=pytesseract.Output.DICT
                )
            finally:
                self.seconds += time.perf_counter() - t
        for i, raw in enumerate(d["text"]):
            text = squeeze_cjk_spaces(str(raw))
            conf = float(d["conf"][i])
            page = int(d["page_num"][i]) - 1
            if not text or conf < 0 or not 0 <= page < len(crops):
                continue
            x, y, w, h = (float(d[k][i]) - (16 if k in ("left", "top") else 0) for k in ("left", "top", "width", "height"))
            out[page].append(OcrItem(text=text, confidence=conf / 100.0, bbox=(x, y, x + w, y + h)))
        return out

    def read_lines(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[tuple[str, float]]:
        out = []
        for crop in crops:
            # Tesseract reads small crops better with a white margin around the text.
            padded = cv2.copyMakeBorder(crop, 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)
            d = self._data(padded, self.line_psm)
            words = [(squeeze_cjk_spaces(str(t)), float(c)) for t, c in zip(d["text"], d["conf"]) if str(t).strip()]
            words = [(t, c) for t, c in words if c >= 0]
            if not words:
                out.append(("", 0.0))
                continue
            text = squeeze_cjk_spaces(" ".join(t for t, _ in words))
            out.append((text, float(np.mean([c for _, c in words])) / 100.0))
        return out


# ---------------------------------------------------------------- recorded output (tests, benchmarks)


class RecordedEngine:
    """Replays engine answers saved as JSON by ``RecordingEngine``, looked up by request.

    A request matches a recorded read of the same page, turn and kind whose box lies within
    ``box_tolerance`` pixels on every side (grid and ink detection may move an edge by a pixel or
    two between library versions); the nearest such read wins. A request with no match raises
    ``ReplayMissError`` naming page and box: a stale fixture must not look like an OCR failure.
    """

    def __init__(self, recording: dict, box_tolerance: float = 6.0, source: str = ""):
        self.name = recording["name"]
        self.reads_cells = bool(recording.get("reads_cells", False))
        self.box_tolerance = float(box_tolerance)
        self.source = source
        self._reads: dict[tuple[int, int, str], list[tuple[tuple[int, int, int, int], dict]]] = {}
        for read in recording.get("reads", []):
            key = CropKey.from_json(read["key"])
            self._reads.setdefault((key.page, key.turn, key.kind), []).append((key.box, read))
        self.seconds = 0.0

    @staticmethod
    def load(path: Path, box_tolerance: float = 6.0) -> RecordedEngine:
        return RecordedEngine(json.loads(Path(path).read_text(encoding="utf-8")), box_tolerance, source=str(path))

    def _answer(self, key: CropKey | None) -> dict:
        if key is None:
            raise ReplayMissError(f"recorded {self.name} engine asked to read a crop without a CropKey",
                                  file=self.source)
        best, best_gap = None, None
        for box, read in self._reads.get((key.page, key.turn, key.kind), []):
            gap = max(abs(a - b) for a, b in zip(box, key.box))
            if gap <= self.box_tolerance and (best_gap is None or gap < best_gap):
                best, best_gap = read, gap
        if best is None:
            raise ReplayMissError(
                f"recorded {self.name} engine has no answer for {key.describe()}",
                file=self.source,
                hint="re-record the fixture: .venv/bin/python tests/fixtures/scan/record_ocr.py",
            )
        return best

    def read_page(self, image: np.ndarray, cut: BoxCutter | None = None, key: CropKey | None = None) -> list[OcrItem]:
        return [OcrItem.from_json(i) for i in self._answer(key)["items"]]

    def read_lines(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[tuple[str, float]]:
        keys = keys if keys is not None else [None] * len(crops)
        return [(str(a["line"][0]), float(a["line"][1])) for a in map(self._answer, keys)]

    def read_blocks(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[list[OcrItem]]:
        keys = keys if keys is not None else [None] * len(crops)
        return [[OcrItem.from_json(i) for i in a["items"]] for a in map(self._answer, keys)]


class RecordingEngine:
    """Wraps a real engine and keeps what it answered under each request's key, for RecordedEngine."""

    def __init__(self, inner: OcrEngine):
        self.inner = inner
        self.name = inner.name
        self.reads_cells = bool(getattr(inner, "reads_cells", False))
        self.reads: list[dict] = []

    @property
    def seconds(self) -> float:
        return self.inner.seconds

    @staticmethod
    def _need(key: CropKey | None) -> CropKey:
        if key is None:
            raise ValueError("every request must carry a CropKey to be recorded")
        return key

    def read_page(self, image: np.ndarray, cut: BoxCutter | None = None, key: CropKey | None = None) -> list[OcrItem]:
        items = self.inner.read_page(image, cut)
        self.reads.append({"key": self._need(key).to_json(), "items": [i.to_json() for i in items]})
        return items

    def read_lines(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[tuple[str, float]]:
        keys = keys if keys is not None else [None] * len(crops)
        res = self.inner.read_lines(crops)
        for k, (text, conf) in zip(keys, res):
            self.reads.append({"key": self._need(k).to_json(), "line": [text, float(conf)]})
        return res

    def read_blocks(self, crops: list[np.ndarray], keys: list[CropKey] | None = None) -> list[list[OcrItem]]:
        keys = keys if keys is not None else [None] * len(crops)
        res = self.inner.read_blocks(crops)
        for k, items in zip(keys, res):
            self.reads.append({"key": self._need(k).to_json(), "items": [i.to_json() for i in items]})
        return res

    def recording(self) -> dict:
        return {"name": self.name, "reads_cells": self.reads_cells, "reads": self.reads}


# ---------------------------------------------------------------- choice


@lru_cache(maxsize=4)
def get_engine(
    name: str,
    *,
    threads: int,
    det_max_side: int | None = None,  # rapidocr settings (extractors/data/scan.yaml): required for it
    rec_height: int | None = None,
    rec_batch: int | None = None,
    pad: int | None = None,
    lang: str | None = None,  # tesseract settings: required for it
    page_psm: int | None = None,
    line_psm: int | None = None,
    block_psm: int | None = None,
) -> OcrEngine:
    """The engine called ``name`` ("rapidocr" | "tesseract"), built once per process from the
    settings of its section of scan.yaml (``None`` only for the other engine's settings)."""
    if name == "rapidocr":
        return RapidOcrEngine(det_max_side=det_max_side, threads=threads, rec_height=rec_height,
                              rec_batch=rec_batch, pad=pad)
    if name == "tesseract":
        return TesseractEngine(lang=lang, page_psm=page_psm, line_psm=line_psm, block_psm=block_psm, threads=threads)
    raise ValueError(f"unknown OCR engine {name!r}")
