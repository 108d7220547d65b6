"""Reader of OCR'd text (Markdown, plain text, HTML) as produced by OCR services and converters."""
