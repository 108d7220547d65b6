"""Conversion-damaged renderings of clean OCR'd-text forms, with their expected records."""
