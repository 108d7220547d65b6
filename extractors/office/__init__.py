"""Readers of spreadsheet and word-processor files (.xlsx, .docx, legacy .xls/.doc); extractors.office.sniff picks one."""
