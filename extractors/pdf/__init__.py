"""Reader of PDFs with a text layer; pages without one go to extractors.scan."""
