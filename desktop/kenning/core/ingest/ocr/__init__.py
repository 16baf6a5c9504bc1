"""OCR for scanned PDF pages and images: text with word boxes, so scans are searchable and citable.

`engine` chooses Tesseract when it is installed, else the pip-installed RapidOCR; `page_text` turns
recognised words into page text whose every word keeps its box; `word_boxes` keeps those boxes beside
the index (keyed by content hash) for the viewer; `pdf_ocr` and `image_loader` read the two kinds of
scan. Nothing here imports an engine until a page is actually recognised.
"""
