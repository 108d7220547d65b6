"""Reader of scanned pages (images, image-only PDF pages): levelling, grid, checkboxes, OCR, repairs."""
