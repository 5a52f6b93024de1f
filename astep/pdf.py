"""HTML to PDF with WeasyPrint, for the documents the portal issues (charter, attestation)."""

import functools
import warnings

from PIL import ImageFile


def html_to_pdf(html: str) -> bytes:
    """Render a self-contained HTML document (inline CSS, no external asset) as PDF bytes.

    Nothing is fetched while rendering: a file:// or http:// URL in `html` is refused.
    """
    weasyprint = _weasyprint()
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols=[])
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()


@functools.cache
def _weasyprint():
    """Import WeasyPrint on first use: it is slow to load and only the PDFs need it."""
    with warnings.catch_warnings():
        # Without the optional HarfBuzz-Subset system library WeasyPrint warns on import;
        # fonts are then embedded whole, which is fine for documents of a few pages.
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
        import weasyprint.urls
    # WeasyPrint turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process on import;
    # the proof upload must keep refusing truncated images (tests/volunteers/test_proofs.py).
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint
