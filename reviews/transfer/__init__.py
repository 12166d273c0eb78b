"""Move a whole review to another installation: a ZIP of `review.json` and the review's private files.

What belongs to a review is found from the models, not listed by hand: every model of the project's
own apps with a chain of foreign keys (or one-to-one fields) that ends at `Review` is the review's,
and so are its many-to-many links and its generic links (finding evidence). A new model that points
at a review, or at something of a review, is carried without anyone adding it here.

Shared configuration that a review points at but does not own (the framework and its themes, grade
scales, partner kinds, event kinds, audit tools, the questionnaire library, users, ...) travels as a
natural identity (a unique field or a unique set of fields, such as a framework's name and version
or a grade's rank in its scale) and is matched to the target installation's rows. The council, its
partner agencies and threshold levels are created when missing; people are matched by username or
created inactive, without a usable password. Access-log rows and change history stay behind.
"""

from .discovery import JSON_NAME, TransferError, owned_models, project_models
from .exporting import export_review, export_to_bytes
from .importing import ImportResult, import_review

__all__ = [
    "JSON_NAME",
    "ImportResult",
    "TransferError",
    "export_review",
    "export_to_bytes",
    "import_review",
    "owned_models",
    "project_models",
]
