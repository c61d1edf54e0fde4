"""The archive: PDF/A-3b records, written once, with a manifest and a verifier.

``archive(ws, jobs, root)`` files each document as a record under
``<root>/<year>/<period>/<unit>/``; ``verify(root)`` lists every mismatch between the
records and the manifest. See docs/archive.md.

``repair(root)`` completes or rolls back what a killed run left; ``not_an_archive(root)``
says why a path is no archive (missing, a file, a folder without a manifest).

Modules: ``records`` (make a record), ``sources`` (what it embeds), ``xmp`` (its
metadata), ``naming`` (where it goes), ``storage`` (write-once files), ``manifest``
(CSV + JSON Lines), ``journal`` (write-ahead intent, recovery), ``run`` (archiving),
``pdf_facts`` and ``verify`` (verification).
"""

from reportgen.archive.manifest import ManifestError
from reportgen.archive.run import STATUSES, ArchiveStopped, archive, repair
from reportgen.archive.seal import is_sealed
from reportgen.archive.storage import ArchiveUnavailable
from reportgen.archive.verify import Mismatch, not_an_archive, record_count, verify

__all__ = ["STATUSES", "ArchiveStopped", "ArchiveUnavailable", "ManifestError", "Mismatch", "archive",
           "is_sealed", "not_an_archive", "record_count", "repair", "verify"]
