"""Reader of PDFs with a text layer; pages without one go to extractors.scan."""
import logging

# pdfminer warns once per glyph of a font without a FontBBox (Chromium's PDFs): hundreds of lines on
# the user's terminal about nothing the reading needs (the boxes come from the glyphs themselves)
logging.getLogger("pdfminer").setLevel(logging.ERROR)
